import { randomUUID } from 'node:crypto';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagesRepo } from '../src/chat/messages-repo.ts';
import type { Db, Queryable } from '../src/db/types.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { FileSpool } from '../src/ledger/spool.ts';
import type { TurnRecord } from '../src/ledger/turn-record.ts';
import { type Harness, startHarness } from './support/harness.ts';

const MODEL = 'google/gemini-2.5-pro';

/** The real database, except that every transaction (and a one-statement settlement) fails as if the server went away at its commit. */
function failingAtCommit(db: Db): Db {
  const failing = <T>(work: (tx: Queryable) => Promise<T>) =>
    db.transaction(async (tx) => {
      await work(tx);
      throw new Error('Connection terminated unexpectedly');
    });
  return {
    ...db,
    kind: db.kind,
    // A settlement written as one statement (crux_settle_turn) fails the same way: not committed.
    query: (sql, params) =>
      /^\s*select\s+crux_settle_turn\b/i.test(sql)
        ? failing((tx) => tx.query(sql, params))
        : db.query(sql, params),
    transaction: failing,
  };
}

interface Message {
  role: string;
  content: string;
}

async function history(h: Harness, token: string): Promise<Message[]> {
  const response = await h.request('/v1/chat/messages?limit=200', { token });
  return ((await response.json()) as { messages: Message[] }).messages;
}

async function spentToday(h: Harness, userId: string): Promise<string> {
  const [row] = await h.server.db.query<{ spent: string }>(
    `select trim_scale(spent)::text as spent from spend_counters where scope = $1`,
    [userId],
  );
  return row?.spent ?? '0';
}

describe('a finished turn is stored whole, before its usage event', () => {
  let h: Harness;
  beforeAll(async () => {
    // A cost the upstream does not report is looked up for 0.5 s, then left to the reconciler.
    h = await startHarness({ server: { generationWaitMs: 500 } });
  });
  afterAll(() => h.close());

  it('has the row settled, the answer stored and the idempotent result kept when the usage event arrives', async () => {
    const { token, userId } = await h.signup();
    h.simulator.enqueue({ cost: '0.0000123', chunkDelayMs: 5 });
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'how do I heel hook?' },
      headers: { 'idempotency-key': 'usage-after-commit' },
    });
    const events = response
      .body!.pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream());
    let text = '';
    let seenAtUsage: { status: string; cost: string | null; answers: string[]; result: unknown } | undefined;
    for await (const event of events) {
      if (event.data === '[DONE]') break;
      const parsed = JSON.parse(event.data) as { type: string; content?: string };
      if (parsed.type === 'delta') text += parsed.content;
      if (parsed.type !== 'usage') continue;
      // Read at the very moment the event arrives, before the stream ends.
      const [row] = await h.server.db.query<{ status: string; cost: string | null }>(
        `select status, cost_usd::text as cost from api_usage where user_id = $1`,
        [userId],
      );
      const answers = await h.server.db.query<{ content: string }>(
        `select content from chat_messages where user_id = $1 and role = 'assistant'`,
        [userId],
      );
      const [key] = await h.server.db.query<{ result: unknown }>(
        `select result from idempotency_keys where user_id = $1 and key = 'usage-after-commit'`,
        [userId],
      );
      seenAtUsage = { ...row!, answers: answers.map((a) => a.content), result: key?.result };
    }
    expect(seenAtUsage).toMatchObject({ status: 'ok', cost: '0.0000123', answers: [text] });
    expect(seenAtUsage?.result).toMatchObject({ content: text, usage: { cost_usd: '0.0000123' } });
  });

  it('stores the answer with the annotation when the cost is not known yet, leaving the row pending', async () => {
    const { token, userId } = await h.signup();
    h.simulator.enqueue({ omitCost: true, generationDelayMs: 60_000 });
    const chat = await h.chat(token, 'what is a drop knee?');
    expect(chat.events.at(-1)).toMatchObject({ type: 'usage', cost_usd: null });
    await h.settled();

    const [row] = await h.server.db.query<{
      status: string;
      latency_ms: number | null;
      finish_reason: string;
    }>(`select status, latency_ms, finish_reason from api_usage where user_id = $1`, [userId]);
    expect(row).toMatchObject({ status: 'pending', finish_reason: 'stop' });
    expect(row!.latency_ms).toBeGreaterThan(0);
    expect(await history(h, token)).toMatchObject([
      { role: 'user', content: 'what is a drop knee?' },
      { role: 'assistant', content: chat.text },
    ]);
  });

  it('spools the whole turn when the commit fails, and the replay lands it in order with its key', async () => {
    const { token, userId } = await h.signup();
    const requestId = randomUUID();
    await new MessagesRepo(h.server.db).add(userId, 'user', 'the question', requestId);
    await h.server.db.query(
      `insert into idempotency_keys (user_id, endpoint, key, request_id, fingerprint) values ($1, 'chat', 'k1', $2, 'f')`,
      [userId, requestId],
    );
    const spool = new FileSpool(h.dataDir);
    const flaky = new Ledger(failingAtCommit(h.server.db), spool, () => {}, undefined, { spoolRetryMs: 0 });
    const attempt = await h.server.ledger.open({ requestId, userId, endpoint: 'chat', model: MODEL });
    const result = { content: 'the answer', usage: { type: 'usage', cost_usd: '0.0000042' } };

    const written = await flaky.settle(
      attempt,
      { status: 'ok', costSource: 'usage', costUsd: '0.0000042', totalTokens: 9 },
      {
        message: { id: randomUUID(), userId, requestId, content: 'the answer' },
        idempotent: { userId, endpoint: 'chat', key: 'k1', requestId, result },
      },
    );
    expect(written.committed).toBe(false);
    expect(await spool.size()).toBe(1);
    // Nothing of the turn is in the database: the failed transaction took all of it back.
    expect((await h.records(token))[0]).toMatchObject({ status: 'pending' });
    expect(await history(h, token)).toHaveLength(1);

    // A later question, stored while the answer waits in the spool.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await new MessagesRepo(h.server.db).add(userId, 'user', 'a later question', randomUUID());

    expect(await h.server.ledger.replaySpool()).toBe(1);
    expect(await spool.size()).toBe(0);
    expect((await h.records(token))[0]).toMatchObject({
      status: 'ok',
      cost_usd: '0.0000042',
      total_tokens: 9,
    });
    // Dated when the turn ended: between its question and the later one.
    expect((await history(h, token)).map((m) => m.content)).toEqual([
      'the question',
      'the answer',
      'a later question',
    ]);
    const [key] = await h.server.db.query<{ result: unknown }>(
      `select result from idempotency_keys where user_id = $1 and key = 'k1'`,
      [userId],
    );
    expect(key?.result).toEqual(result);
  });

  it('writes a turn replayed twice (or after a success) once: one message, one cost', async () => {
    const { token, userId } = await h.signup();
    const requestId = randomUUID();
    await new MessagesRepo(h.server.db).add(userId, 'user', 'once?', requestId);
    const attempt = await h.server.ledger.open({ requestId, userId, endpoint: 'chat', model: MODEL });
    const record: TurnRecord = {
      rowId: attempt.rowId,
      settlement: { status: 'ok', costSource: 'usage', costUsd: '0.00000137' },
      message: { id: randomUUID(), userId, requestId, content: 'once.' },
      endedAt: new Date().toISOString(),
    };
    // The commit reached the database but its acknowledgement did not: the turn was spooled too.
    await h.server.ledger.write(record);
    const spool = new FileSpool(h.dataDir);
    await spool.append(record);
    await spool.append(record);

    expect(await h.server.ledger.replaySpool()).toBe(2);
    expect(await h.server.ledger.replaySpool()).toBe(0);
    expect((await history(h, token)).map((m) => m.content)).toEqual(['once?', 'once.']);
    expect(await h.records(token)).toMatchObject([{ status: 'ok', cost_usd: '0.00000137' }]);
    expect(await spentToday(h, userId)).toBe('0.00000137');
  });
});
