import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/types.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { FileSpool } from '../src/ledger/spool.ts';
import { type GroupBy, UsageQueries } from '../src/ledger/usage-queries.ts';
import { OpenRouterClient } from '../src/llm/openrouter-client.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { expectRollupsEqualLedger, ledgerSummary } from './support/rollup-check.ts';
import { unreachableForUpdates } from './support/unreachable-db.ts';

const MODEL = 'google/gemini-2.5-pro';
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Every report (each user's and the admin's, every grouping, open and closed ranges) equals the ledger's. */
async function expectReportsEqualLedger(db: Db, userIds: string[]): Promise<void> {
  const usage = new UsageQueries(db);
  const ranges = [
    {},
    { from: day(0) },
    { to: day(-1) },
    { from: day(0), to: day(0) },
    { from: day(-89), to: day(0) },
    { from: day(-40), to: day(-3) },
    { from: day(-500), to: day(-200) },
    { from: day(-300) },
    { to: day(-17) },
    { from: day(5) },
  ];
  for (const userId of [null, ...userIds]) {
    const groups: GroupBy[] =
      userId === null ? ['user', 'day', 'endpoint', 'model'] : ['day', 'endpoint', 'model'];
    for (const groupBy of groups)
      for (const range of ranges) {
        const options = { userId, groupBy, ...range };
        expect(await usage.summary(options), JSON.stringify(options)).toEqual(
          await ledgerSummary(db, options),
        );
      }
  }
}

describe('usage rollups', () => {
  let h: Harness;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  beforeAll(async () => {
    h = await startHarness();
    alice = await h.signup();
    bob = await h.signup();
  });
  afterAll(() => h.close());

  it('serves the same figures through GET /v1/usage', async () => {
    h.simulator.enqueue({ cost: '0.00000000314159265358979' });
    expect((await h.chat(alice.token, 'what should I train first?')).status).toBe(200);
    await h.settled();
    const response = await h.request(`/v1/usage?group_by=model&from=${day(-60)}&to=${day(0)}`, {
      token: alice.token,
    });
    expect(await response.json()).toEqual(
      await ledgerSummary(h.server.db, {
        userId: alice.userId,
        groupBy: 'model',
        from: day(-60),
        to: day(0),
      }),
    );
  });

  it('equal the ledger to the last digit after chats, recommendations, errors, aborts, reconciled rows and spool replays', async () => {
    h.simulator.enqueue({ cost: '0.000012345678901234567890123' });
    expect((await h.chat(alice.token, 'how do I rest on steep routes?')).status).toBe(200);
    h.simulator.enqueue({ cost: '0.1' });
    expect((await h.chat(bob.token, 'and on slabs?')).status).toBe(200);
    h.simulator.enqueue({ failAfterChunks: 2, cost: '0.00000000000000000001' });
    await h.chat(alice.token, 'tell me about drop knees');
    h.simulator.enqueue({ output: 'invalid_json', cost: '0.0000004' }, { cost: '12.3456789012345678901' });
    expect((await h.request('/v1/coach/recommendations', { method: 'POST', token: bob.token })).status).toBe(
      200,
    );

    // Settled through the ledger itself: an abort, a refusal without cost, a row with no usage at all.
    const ledger = h.server.ledger;
    const open = (userId: string, endpoint: 'chat' | 'recommendations', model = MODEL) =>
      ledger.open({ requestId: randomUUID(), userId, endpoint, model });
    await ledger.settle(await open(alice.userId, 'chat'), {
      status: 'aborted',
      costSource: 'generation',
      costUsd: '0.987654321098765432109876543210',
      totalTokens: 77,
      errorCode: 'client_disconnected',
    });
    await ledger.settleRefusal(
      await open(bob.userId, 'chat', 'anthropic/claude-sonnet-4'),
      'upstream_429',
      12,
    );
    await ledger.settle(await open(bob.userId, 'recommendations'), {
      status: 'invalid_output',
      costSource: 'none',
    });

    // A crash left a row pending; the reconciler settles it from /generation.
    const client = new OpenRouterClient({ baseUrl: h.simulator.baseUrl, apiKey: undefined });
    h.simulator.enqueue({ cost: '0.0000987654321', generationDelayMs: 0 });
    const completion = await client.complete({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    await h.server.db.query(
      `insert into api_usage (id, request_id, user_id, endpoint, model, status, generation_id, created_at)
       values ($1, $2, $3, 'chat', $4, 'pending', $5, now() - interval '1 hour')`,
      [randomUUID(), randomUUID(), alice.userId, MODEL, completion.generationId],
    );
    // A settlement the database refused, spooled, then replayed.
    const spool = new FileSpool(h.dataDir);
    const flaky = new Ledger(unreachableForUpdates(h.server.db), spool);
    const spooled = await flaky.open({
      requestId: randomUUID(),
      userId: bob.userId,
      endpoint: 'chat',
      model: MODEL,
    });
    expect(
      (
        await flaky.settle(spooled, {
          status: 'ok',
          costSource: 'usage',
          costUsd: '0.0000004',
          totalTokens: 12,
        })
      ).committed,
    ).toBe(false);
    const report = await h.server.reconciler.run(60_000);
    expect(report).toMatchObject({ settled: 1, replayedFromSpool: 1 });

    // Rows of past days, inserted already settled (as an import would), with many-digit costs,
    // spread over 437 days; and one row still pending, which the reports count from the ledger.
    await h.server.db.query(
      `insert into api_usage (id, request_id, user_id, endpoint, model, status, total_tokens, cost_usd,
                              cost_source, created_at, settled_at)
       select gen_random_uuid(), gen_random_uuid(), (array[$1, $2])[1 + g % 2]::uuid,
              (array['chat', 'recommendations'])[1 + g % 3 % 2], (array['a/x', 'b/y', 'c/z'])[1 + g % 3],
              (array['ok', 'ok', 'error', 'aborted'])[1 + g % 4], g * 7,
              ('0.' || lpad((g::bigint * 7919 * 104729)::text, 28, '0'))::numeric, 'usage',
              now() - g * interval '7 hours', now()
       from generate_series(1, 1500) g`,
      [alice.userId, bob.userId],
    );
    await open(alice.userId, 'chat');
    await h.settled();

    const [counts] = await h.server.db.query<{ settled: number; pending: number }>(
      `select count(*) filter (where status <> 'pending')::int as settled,
              count(*) filter (where status = 'pending')::int as pending from api_usage`,
    );
    expect(counts).toEqual({ settled: 1500 + 11, pending: 1 });
    await expectRollupsEqualLedger(h.server.db);
    await expectReportsEqualLedger(h.server.db, [alice.userId, bob.userId]);
  });

  it('follow a settled row that changes or leaves, and a deleted user', async () => {
    await h.server.db.query(
      `update api_usage set cost_usd = cost_usd * 3, total_tokens = total_tokens + 1
       where user_id = $1 and status = 'ok' and created_at < now() - interval '30 days'`,
      [alice.userId],
    );
    await h.server.db.query(`delete from api_usage where status = 'error' and user_id = $1`, [alice.userId]);
    await h.server.db.query('delete from users where id = $1', [bob.userId]);
    await expectRollupsEqualLedger(h.server.db);
    await expectReportsEqualLedger(h.server.db, [alice.userId, bob.userId]);
    const [left] = await h.server.db.query<{ n: number }>(
      `select count(*)::int as n from usage_rollup_user_daily where user_id = $1`,
      [bob.userId],
    );
    expect(left?.n).toBe(0);
  });

  it('keep a detached row (user_id set to null by an account deletion) under no user', async () => {
    await h.server.db.query('alter table api_usage alter column user_id drop not null');
    await h.server.db.query('update api_usage set user_id = null where user_id = $1', [alice.userId]);
    await expectRollupsEqualLedger(h.server.db);
    await expectReportsEqualLedger(h.server.db, [alice.userId]);
    const admin = await new UsageQueries(h.server.db).summary({ userId: null, groupBy: 'user' });
    expect(admin.rows.map((r) => r.key)).toEqual([null]);
  });

  it('give the admin report by user in user id order, amounts exact without trailing zeros', async () => {
    const users = [randomUUID(), randomUUID(), randomUUID()].map((userId) => ({ userId }));
    await h.server.db.query('insert into users (id) select unnest($1::uuid[])', [users.map((u) => u.userId)]);
    await h.server.db.query(
      `insert into api_usage (id, request_id, user_id, endpoint, model, status, total_tokens, cost_usd,
                              cost_source, created_at, settled_at)
       select gen_random_uuid(), gen_random_uuid(), u.id::uuid, 'chat', 'a/x', u.status, 5, u.cost::numeric,
              'usage', now() - interval '2 days', now()
       from (values ($1, 'ok', '0.10'), ($1, 'ok', '0.20'), ($2, 'ok', '2.000'), ($3, 'error', null))
         as u (id, status, cost)`,
      users.map((u) => u.userId),
    );
    const usage = new UsageQueries(h.server.db);
    for (const range of [{}, { from: day(-2), to: day(-2) }, { from: day(-89), to: day(0) }]) {
      const options = { userId: null, groupBy: 'user' as const, ...range };
      const report = await usage.summary(options);
      expect(report).toEqual(await ledgerSummary(h.server.db, options));
      const cost = (k: number) => report.rows.find((r) => r.key === users[k]!.userId)?.cost_usd;
      expect([cost(0), cost(1), cost(2)]).toEqual(['0.3', '2', '0']);
      const keys = report.rows.map((r) => r.key);
      expect(keys).toEqual([...keys].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : 1)));
    }
  });

  it('answer a model name with quotes, backslashes and control characters as the same text (JSON built in SQL)', async () => {
    const model = 'odd/"quoted"\\back\tslash\u00e9';
    const [user] = await h.server.db.query<{ id: string }>(`select id from users limit 1`);
    await h.server.db.query(
      `insert into api_usage (id, request_id, user_id, endpoint, model, status, total_tokens, cost_usd,
                              cost_source, created_at, settled_at)
       values (gen_random_uuid(), gen_random_uuid(), $1, 'chat', $2, 'ok', 7, 0.5, 'usage', now(), now())`,
      [user!.id, model],
    );
    const usage = new UsageQueries(h.server.db);
    for (const userId of [null, user!.id]) {
      const options = { userId, groupBy: 'model' as const };
      const json = await usage.summaryJson(options);
      expect(JSON.parse(json)).toEqual(await ledgerSummary(h.server.db, options));
      expect(JSON.parse(json).rows.map((r: { key: string }) => r.key)).toContain(model);
    }
    const empty = await usage.summaryJson({
      userId: null,
      groupBy: 'user',
      from: '2001-01-01',
      to: '2001-01-02',
    });
    expect(JSON.parse(empty)).toEqual({ total: { requests: 0, tokens: 0, cost_usd: '0' }, rows: [] });
  });

  it('are rebuilt from the ledger, set-based, with the same figures', async () => {
    const blocks = `select level, start_day::text, user_id::text, requests::text, tokens::text,
      trim_scale(cost_usd)::text as cost from usage_rollup_user_blocks order by 1, 2, 3`;
    const before = await h.server.db.query(blocks);
    await h.server.db.query('select usage_rollups_rebuild()');
    await expectRollupsEqualLedger(h.server.db);
    expect(await h.server.db.query(blocks)).toEqual(before);
  });
});
