import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSpool } from '../src/ledger/spool.ts';
import { type CruxServer, startServer } from '../src/server.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { expectLedgerEqualsBill } from './support/ledger-check.ts';
import { proxyDatabase, type TcpProxy } from './support/tcp-proxy.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

interface Turn {
  question: string;
  token: string;
  /** Resolves at the first delta: the turn is past the database and streaming. */
  streaming: Promise<void>;
  /** What the client saw: the text, whether a usage event and [DONE] ended it. */
  ended: Promise<{ text: string; usage: boolean; done: boolean }>;
}

function startTurn(base: string, token: string, question: string, onUsage?: () => Promise<void>): Turn {
  let started!: () => void;
  const streaming = new Promise<void>((resolve) => {
    started = resolve;
  });
  const ended = (async () => {
    const response = await fetch(`${base}/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: question }),
    });
    expect(response.status).toBe(200);
    let text = '';
    let usage = false;
    let done = false;
    const events = response
      .body!.pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream());
    for await (const event of events) {
      if (event.data === '[DONE]') {
        done = true;
        continue;
      }
      const parsed = JSON.parse(event.data) as { type: string; content?: string };
      if (parsed.type === 'delta') {
        text += parsed.content;
        started();
      }
      if (parsed.type === 'usage') {
        usage = true;
        await onUsage?.();
      }
    }
    started();
    return { text, usage, done };
  })();
  return { question, token, streaming, ended };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

// A real network fault between two Crux instances and one Postgres server, at the moment turns
// are being saved (the embedded database has no network: turn-durable.test.ts covers its spool).
describe.runIf(process.env.CRUX_TEST_DB === 'postgres')(
  'two instances lose the database as turns end',
  () => {
    let h: Harness;
    let proxy: TcpProxy;
    let second: CruxServer;
    let secondDir: string;
    const spools = () => [new FileSpool(h.dataDir), new FileSpool(secondDir)];
    const spooled = async () => (await Promise.all(spools().map((s) => s.size()))).reduce((a, b) => a + b, 0);

    beforeAll(async () => {
      h = await startHarness({
        rewriteDatabaseUrl: async (url) => {
          const proxied = await proxyDatabase(url);
          proxy = proxied.proxy;
          return proxied.url;
        },
        server: { spoolRetryMs: 300 },
      });
      secondDir = mkdtempSync(join(tmpdir(), 'crux-second-'));
      second = await startServer(
        { ...h.config, port: 0, dataDir: secondDir },
        {
          log: () => {},
          generationWaitMs: 5_000,
          sweepIntervalMs: 3_600_000,
          spoolRetryMs: 300,
          webDir: false,
        },
      );
    });
    afterAll(async () => {
      proxy.restore();
      await second.close();
      await h.close();
      await proxy.stop();
      rmSync(secondDir, { recursive: true, force: true });
    });

    it('keeps every answered turn in the history, on both instances, with the ledger equal to the bill', async () => {
      const users = [await h.signup(), await h.signup()];
      const bases = [h.url, second.url];
      const turns: Turn[] = [];
      // When a usage event arrives, its turn is durable: committed, or fsynced to a spool.
      const direct = new pg.Client({ connectionString: h.databaseUrl });
      await direct.connect();
      let usages = 0;
      const durableAtUsage: boolean[] = [];
      const checkDurable = async () => {
        const seen = ++usages;
        const { rows } = await direct.query<{ n: number }>(
          `select count(*)::int as n from chat_messages where role = 'assistant' and user_id = any($1::uuid[])`,
          [users.map((u) => u.userId)],
        );
        durableAtUsage.push(rows[0]!.n + (await spooled()) >= seen);
      };
      const start = (count: number) => {
        const wave: Turn[] = [];
        for (let i = 0; i < count; i++) {
          const n = turns.length;
          const turn = startTurn(bases[(n >> 1) % 2]!, users[n % 2]!.token, `question ${n}`, checkDurable);
          turns.push(turn);
          wave.push(turn);
        }
        return wave;
      };

      // 1. Every turn ends while the database is away: each is spooled whole, and still answered.
      for (let i = 0; i < 8; i++)
        h.simulator.enqueue({ chunkDelayMs: 200, content: `first wave ${i}: ${words(24)}` });
      const first = start(8);
      await Promise.all(first.map((t) => t.streaming));
      proxy.cut();
      const firstEnded = await Promise.all(first.map((t) => t.ended));
      expect(firstEnded.every((e) => e.usage && e.done)).toBe(true);
      expect(await spooled()).toBeGreaterThan(0);
      proxy.restore();

      // 2. The database goes away and comes back while turns of many lengths end.
      for (let i = 0; i < 10; i++)
        h.simulator.enqueue({ chunkDelayMs: 50, content: `second wave ${i}: ${words(3 + i * 5)}` });
      const secondWave = start(10);
      await Promise.all(secondWave.map((t) => t.streaming));
      await sleep(150);
      proxy.cut();
      await sleep(400);
      proxy.restore();
      const secondEnded = await Promise.all(secondWave.map((t) => t.ended));
      expect(secondEnded.every((e) => e.usage && e.done)).toBe(true);

      // The spools drain by themselves once the database is back.
      await until('both spools are empty', async () => (await spooled()) === 0);
      await h.settled();
      await second.background.idle();

      const seen = await Promise.all(turns.map((t) => t.ended));
      await direct.end();
      expect(durableAtUsage).toEqual(turns.map(() => true));
      for (const user of users) {
        const histories = await Promise.all(
          bases.map(async (base) => {
            const response = await fetch(`${base}/v1/chat/messages?limit=200`, {
              headers: { authorization: `Bearer ${user.token}` },
            });
            return ((await response.json()) as { messages: Array<{ role: string; content: string }> })
              .messages;
          }),
        );
        expect(histories[1]).toEqual(histories[0]);
        const contents = histories[0]!.map((m) => m.content);
        const mine = turns.flatMap((t, n) => (t.token === user.token ? [n] : []));
        expect(contents).toHaveLength(mine.length * 2);
        for (const n of mine) {
          const answer = contents.indexOf(seen[n]!.text);
          expect(answer, `answer ${n}`).toBeGreaterThan(contents.indexOf(`question ${n}`));
          expect(contents.lastIndexOf(seen[n]!.text)).toBe(answer);
        }
      }
      await expectLedgerEqualsBill(h);
    });

    it('stores a coach plan spooled with its settlement once the database is back', async () => {
      const { token, userId } = await h.signup();
      const direct = new pg.Client({ connectionString: h.databaseUrl });
      await direct.connect();
      try {
        h.simulator.enqueue({ chunkDelayMs: 100 });
        const generating = h.request('/v1/coach/recommendations', { method: 'POST', token });
        // The coach is writing: its pending row has its generation id.
        await until('the coach streams', async () => {
          const { rows } = await direct.query(
            `select 1 from api_usage where user_id = $1 and status = 'pending' and generation_id is not null`,
            [userId],
          );
          return rows.length > 0;
        });
        proxy.cut();
        const response = await generating;
        expect(response.status).toBe(200);
        const plan = (await response.json()) as { recommendation: unknown; is_cached: boolean };
        expect(plan.is_cached).toBe(false);
        expect(await spooled()).toBeGreaterThan(0);

        proxy.restore();
        await until('both spools are empty', async () => (await spooled()) === 0);
        const latest = await h.request('/v1/coach/recommendations/latest', { token });
        expect(await latest.json()).toEqual({ recommendation: plan.recommendation });
        await expectLedgerEqualsBill(h);
      } finally {
        await direct.end();
      }
    });
  },
);
