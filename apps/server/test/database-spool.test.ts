import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagesRepo } from '../src/chat/messages-repo.ts';
import type { Db, Queryable } from '../src/db/types.ts';
import { DatabaseSpool } from '../src/ledger/database-spool.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import type { TurnRecord } from '../src/ledger/turn-record.ts';
import { type Harness, startHarness } from './support/harness.ts';

const MODEL = 'google/gemini-2.5-pro';
const SECRET = 'reconcile-secret-0123456789abcdef0123456789';

/** The real database, except that every transaction (and a one-statement settlement) fails at its commit (a pooler dropped it). */
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

/** A local Slack-style webhook receiver: the texts it was sent. */
class Receiver {
  readonly texts: string[] = [];
  private readonly server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on('end', () => {
      this.texts.push((JSON.parse(text) as { text: string }).text);
      res.writeHead(200).end('ok');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/crux`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function history(h: Harness, token: string): Promise<string[]> {
  const response = await h.request('/v1/chat/messages?limit=200', { token });
  return ((await response.json()) as { messages: Array<{ content: string }> }).messages.map((m) => m.content);
}

describe('the turn spool in the database (CRUX_SPOOL=database, as on Edge Functions)', () => {
  let h: Harness;
  const receiver = new Receiver();
  beforeAll(async () => {
    h = await startHarness({
      env: {
        CRUX_SPOOL: 'database',
        CRUX_RECONCILE_SECRET: SECRET,
        ALERT_WEBHOOK_URL: await receiver.start(),
      },
      server: { spoolRetryMs: 0 }, // drained here only by what each test calls
    });
  });
  afterAll(async () => {
    await h.close();
    await receiver.stop();
  });

  /** A pending row with its question stored, and the turn that would settle it. */
  async function openTurn(userId: string, answer: string, cost: string): Promise<TurnRecord> {
    await new Promise((resolve) => setTimeout(resolve, 20)); // after the turn before it ended
    const requestId = randomUUID();
    await new MessagesRepo(h.server.db).add(userId, 'user', `question for ${answer}`, requestId);
    const attempt = await h.server.ledger.open({ requestId, userId, endpoint: 'chat', model: MODEL });
    return {
      rowId: attempt.rowId,
      settlement: { status: 'ok', costSource: 'usage', costUsd: cost, totalTokens: 7 },
      message: { id: randomUUID(), userId, requestId, content: answer },
      endedAt: new Date().toISOString(),
    };
  }

  const queued = async () =>
    (
      await h.server.db.query<{ row_id: string; status: string; attempts: number }>(
        'select row_id, status, attempts from turn_spool order by seq',
      )
    ).filter((row) => row.status === 'queued');

  it('keeps a turn whose commit failed whole in turn_spool, and POST /v1/ops/reconcile writes it once', async () => {
    const { token, userId } = await h.signup();
    const turn = await openTurn(userId, 'the spooled answer', '0.0000042');
    const flaky = new Ledger(
      failingAtCommit(h.server.db),
      new DatabaseSpool(h.server.db),
      () => {},
      undefined,
      {
        spoolRetryMs: 0,
      },
    );
    const { rowId, settlement, pending: _, endedAt: __, ...companions } = turn;
    const written = await flaky.settle(
      { rowId, requestId: turn.message!.requestId, userId, endpoint: 'chat', model: MODEL },
      settlement,
      companions,
    );
    expect(written.committed).toBe(false);
    expect(await queued()).toEqual([{ row_id: rowId, status: 'queued', attempts: 0 }]);
    expect(await history(h, token)).toEqual(['question for the spooled answer']);

    // The scheduled job of the Edge deployment, on another worker: it drains the table.
    const response = await h.request('/v1/ops/reconcile', {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { replayed_from_spool: number }).replayed_from_spool).toBe(1);
    expect(await queued()).toEqual([]);
    expect(await history(h, token)).toEqual(['question for the spooled answer', 'the spooled answer']);
    expect(await h.records(token)).toMatchObject([{ status: 'ok', cost_usd: '0.0000042', total_tokens: 7 }]);
    expect(await h.server.ledger.replaySpool()).toBe(0);
  });

  it('moves a turn the database refuses aside, keeps it, alerts once a day, and writes the ones behind it', async () => {
    const { token, userId } = await h.signup();
    const spool = new DatabaseSpool(h.server.db);
    const first = await openTurn(userId, 'before the bad one', '0.000001');
    const last = await openTurn(userId, 'after the bad one', '0.000002');
    await spool.append(first);
    // A record the database can never take: its row id is not a uuid.
    await spool.append({ ...first, rowId: 'not-a-uuid', message: undefined });
    await spool.append(last);

    expect(await h.server.ledger.replaySpool()).toBe(2);
    expect(await queued()).toEqual([]);
    expect(await history(h, token)).toEqual([
      'question for before the bad one',
      'before the bad one',
      'question for after the bad one',
      'after the bad one',
    ]);
    const kept = await spool.quarantined();
    expect(kept).toEqual([
      expect.objectContaining({
        rowId: 'not-a-uuid',
        settlement: first.settlement,
        attempts: 1,
        reason: expect.stringMatching(/uuid/),
      }),
    ]);
    await expect
      .poll(() => receiver.texts)
      .toEqual([expect.stringMatching(/1 spooled turn\(s\) were refused.*not-a-uuid/)]);
    const [alert] = await h.server.db.query<{ cause: string }>(
      `select cause from ops_alerts where cause = 'spool_quarantined'`,
    );
    expect(alert).toEqual({ cause: 'spool_quarantined' });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^crux_spool_quarantined_total 1$/m);

    // Another one the same day: moved aside and kept too, with no second webhook.
    await spool.append({ ...last, rowId: 'also-not-a-uuid', message: undefined });
    expect(await h.server.ledger.replaySpool()).toBe(0);
    expect((await spool.quarantined()).map((q) => q.rowId)).toEqual(['not-a-uuid', 'also-not-a-uuid']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.texts).toHaveLength(1);
    // What a drain reports is what it stored.
    await spool.append({ ...last, rowId: 'third-bad-row', message: undefined });
    const drained = await spool.drain((entry, tx) => h.server.ledger.write(entry, true, tx));
    expect(drained).toEqual({
      applied: 0,
      quarantined: [
        expect.objectContaining({ rowId: 'third-bad-row', attempts: 1, quarantinedAt: expect.any(String) }),
      ],
    });
  });

  it('writes nothing twice when two drains run at once (two workers)', async () => {
    const { token, userId } = await h.signup();
    const spool = new DatabaseSpool(h.server.db);
    const turns = [await openTurn(userId, 'one', '0.000001'), await openTurn(userId, 'two', '0.000002')];
    for (const turn of turns) await spool.append(turn);
    const other = new Ledger(h.server.db, new DatabaseSpool(h.server.db));
    const [a, b] = await Promise.all([h.server.ledger.replaySpool(), other.replaySpool()]);
    expect(a + b).toBe(2);
    expect((await history(h, token)).filter((m) => !m.startsWith('question'))).toEqual(['one', 'two']);
    expect(await queued()).toEqual([]);
  });
});

describe('a server with the file spool beside Edge Functions on the same database', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ server: { spoolRetryMs: 0, sweepIntervalMs: 300 } }); // CRUX_SPOOL=file
  });
  afterAll(() => h.close());

  it('drains turn_spool too: its sweep writes what an Edge Function spooled there, once', async () => {
    const { token, userId } = await h.signup();
    const requestId = randomUUID();
    await new MessagesRepo(h.server.db).add(userId, 'user', 'asked on the Edge', requestId);
    const attempt = await h.server.ledger.open({ requestId, userId, endpoint: 'chat', model: MODEL });
    // What an Edge Function whose commit failed left behind.
    await new DatabaseSpool(h.server.db).append({
      rowId: attempt.rowId,
      settlement: { status: 'ok', costSource: 'usage', costUsd: '0.0000031', totalTokens: 5 },
      message: { id: randomUUID(), userId, requestId, content: 'answered on the Edge' },
      endedAt: new Date().toISOString(),
    });

    await expect
      .poll(() => history(h, token), { timeout: 10_000 })
      .toEqual(['asked on the Edge', 'answered on the Edge']);
    expect(await h.records(token)).toMatchObject([{ status: 'ok', cost_usd: '0.0000031', total_tokens: 5 }]);
    const [left] = await h.server.db.query<{ n: number }>(
      `select count(*)::int as n from turn_spool where status = 'queued'`,
    );
    expect(left).toEqual({ n: 0 });
  });
});
