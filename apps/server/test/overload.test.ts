import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

/**
 * Overload is not failure: with every database connection busy past DATABASE_QUEUE_TIMEOUT_MS a
 * request gets 503 `server_busy` with Retry-After and spends nothing; a saturated upstream gets
 * a Retry-After too. (The pool is a Postgres server's: the embedded database has none.)
 */
describe.runIf(process.env.CRUX_TEST_DB === 'postgres')('a saturated database pool', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { DATABASE_POOL_SIZE: '1', DATABASE_QUEUE_TIMEOUT_MS: '300' } });
  });
  afterAll(() => h.close());

  it('answers 503 server_busy with Retry-After after the queue wait, spending no unit and storing nothing', async () => {
    const { token, userId } = await h.signup();
    await h.chat(token, 'warm the caches');
    // Another session holds the counters: the one pooled connection waits on it with the first chat.
    const blocker = new pg.Client({ connectionString: h.databaseUrl });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('lock table daily_counters in exclusive mode');
    const first = h.chat(token, 'waits for the lock');
    // Until the first chat holds the pool's one connection, waiting on the lock.
    for (let waited = 0; waited < 10_000; waited += 20) {
      const [row] = (
        await blocker.query(`select count(*)::int as n from pg_locks
         where not granted and database = (select oid from pg_database where datname = current_database())`)
      ).rows;
      if (row.n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const started = performance.now();
    const busy = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'no connection left' },
    });
    const waited = performance.now() - started;
    const profile = await h.request('/v1/profile', { token });
    await blocker.query('rollback');
    await blocker.end();

    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(await busy.json()).toMatchObject({ error: { code: 'server_busy' } });
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(profile.status).toBe(503);
    expect((await first).status).toBe(200);
    await h.settled();

    const [row] = await h.server.db.query<{ used: number; messages: string[]; rows: number }>(
      `select (select used from daily_counters where user_id = $1 and kind = 'chat') as used,
              (select array_agg(content order by created_at) from chat_messages where user_id = $1 and role = 'user') as messages,
              (select count(*)::int from api_usage where user_id = $1) as rows`,
      [userId],
    );
    expect(row).toEqual({ used: 2, messages: ['warm the caches', 'waits for the lock'], rows: 2 });
  });
});

describe('a saturated upstream', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('answers with Retry-After, gives the unit back and keeps the question out of the next prompt', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const refused = await h.request('/v1/chat', { method: 'POST', token, json: { message: 'busy?' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: { code: 'upstream_unavailable' } });
    h.simulator.reset();
    const limits = (await (await h.request('/v1/usage/limits', { token })).json()) as {
      chat: { used: number };
    };
    expect(limits.chat.used).toBe(0);
    await h.chat(token, 'later');
    expect(
      h.simulator.received
        .at(-1)!
        .messages.slice(1)
        .map((m) => m.content),
    ).toEqual(['later']);
  });
});
