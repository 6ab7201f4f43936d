import Big from 'big.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { worstCaseCost } from '../src/llm/pricing.ts';
import type { ChatMessage } from '../src/llm/types.ts';
import { type CruxServer, startServer } from '../src/server.ts';
import { findModel } from '../src/simulator/catalog.ts';
import { type Harness, startHarness } from './support/harness.ts';

/**
 * The chat's one round trip before the upstream call (crux_open_chat_turn): limit, budget
 * reservation, user message, pending row and history together, or nothing at all.
 */

const MAX_TOKENS = 600;

interface Footprint {
  used: number;
  userMessages: number;
  rows: number;
  reserved: string;
}

/** Everything a turn may write for `userId`, read straight from the database. */
async function footprint(h: Harness, userId: string): Promise<Footprint> {
  const [row] = await h.server.db.query<Footprint>(
    `select
       coalesce((select used from daily_counters where user_id = $1 and kind = 'chat'), 0)::int as used,
       (select count(*) from chat_messages where user_id = $1 and role = 'user')::int as "userMessages",
       (select count(*) from api_usage where user_id = $1)::int as rows,
       trim_scale(coalesce((select reserved from spend_counters where scope = $1::text), 0))::text as reserved`,
    [userId],
  );
  return row!;
}

const chatAt = (base: string, token: string, message: string) =>
  fetch(`${base}/v1/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  }).then(async (response) => ({ status: response.status, body: await response.text(), response }));

describe('opening a chat turn in one round trip', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { DAILY_CHAT_LIMIT: '4', OPENROUTER_MAX_TOKENS: String(MAX_TOKENS) } });
  });
  afterAll(() => h.close());
  afterEach(() => h.simulator.reset());

  it('lets exactly the daily limit of 12 concurrent chats through, and the refused ones write nothing', async () => {
    const { token, userId } = await h.signup();
    h.simulator.enqueue(...Array.from({ length: 12 }, () => ({ processingMs: 200 })));
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => chatAt(h.url, token, `burst ${i}`)),
    );
    await h.settled();
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(8);
    for (const refused of results.filter((r) => r.status === 429))
      expect(JSON.parse(refused.body)).toMatchObject({
        error: { code: 'daily_limit_reached', message: expect.stringContaining('all 4 chat messages') },
      });
    expect(await footprint(h, userId)).toMatchObject({ used: 4, userMessages: 4, rows: 4, reserved: '0' });
  });

  it('reserves exactly the worst case of the prompt the upstream received, history included', async () => {
    const { token, userId } = await h.signup();
    await h.chat(token, 'First: how do I drop knee?');
    await h.chat(token, 'Second: and on slopers? ✋ naïve question');
    const sent = h.simulator.received.at(-1)!;
    expect(sent.messages).toHaveLength(4); // system, question, answer, question
    // The row keeps what it reserved after its settlement.
    const [row] = await h.server.db.query<{ reserved: string }>(
      `select reserved_usd::text as reserved from api_usage where user_id = $1 order by created_at desc limit 1`,
      [userId],
    );
    const expected = worstCaseCost(
      findModel('google/gemini-2.5-pro'),
      sent.messages as ChatMessage[],
      MAX_TOKENS,
    );
    expect(expected).toBeDefined();
    expect(new Big(row!.reserved).eq(expected!)).toBe(true);
  });

  it('sends the history oldest first and leaves out a question the upstream refused', async () => {
    const { token } = await h.signup();
    await h.chat(token, 'one');
    h.simulator.enqueue({ status: 429 });
    expect((await h.chat(token, 'refused')).status).toBe(429);
    await h.chat(token, 'two');
    const sent = h.simulator.received.at(-1)!;
    const contents = sent.messages.slice(1).map((m) => m.content);
    expect(sent.messages.slice(1).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(contents[0]).toBe('one');
    expect(contents[2]).toBe('two');
    expect(contents).not.toContain('refused');
  });
});

describe('budget refusals in the same round trip', () => {
  let h: Harness;
  let second: CruxServer | undefined;
  /** About 3 worst-case chats of an empty history at 600 max_tokens. */
  const BUDGET = '0.02';
  beforeAll(async () => {
    h = await startHarness({ env: { DAILY_BUDGET_USD: BUDGET, OPENROUTER_MAX_TOKENS: String(MAX_TOKENS) } });
    if (h.dbKind === 'postgres') second = await startServer({ ...h.config, port: 0 }, { log: () => {} });
  });
  afterAll(async () => {
    await second?.close();
    await h.close();
  });
  afterEach(() => h.simulator.reset());

  it('never lets concurrent chats reserve past the cap, and a refusal takes no unit and stores nothing', async () => {
    const { token, userId } = await h.signup();
    const bases = second ? [h.url, second.url] : [h.url];
    h.simulator.enqueue(...Array.from({ length: 10 }, () => ({ processingMs: 1500 })));
    const running = Promise.all(
      Array.from({ length: 10 }, (_, i) => chatAt(bases[i % bases.length]!, token, `budget ${i}`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await footprint(h, userId);
    const results = await running;
    await h.settled();
    await second?.background.idle();
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 429);
    expect(ok).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(JSON.parse(r.body).error.code).toBe('budget_exceeded');
    expect(new Big(during.reserved).lte(BUDGET)).toBe(true);
    const after = await footprint(h, userId);
    expect(after).toMatchObject({ used: ok, userMessages: ok, rows: ok, reserved: '0' });
  });

  it('refuses with the user budget message and changes no counter', async () => {
    const { token, userId } = await h.signup();
    await h.server.db.query(`insert into user_budgets (user_id, daily_budget_usd) values ($1, 0.000001)`, [
      userId,
    ]);
    const refused = await h.chat(token, 'too dear');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      error: { code: 'budget_exceeded', message: expect.stringMatching(/^Your daily coaching budget/) },
    });
    expect(await footprint(h, userId)).toEqual({ used: 0, userMessages: 0, rows: 0, reserved: '0' });
    const [global] = await h.server.db.query<{ n: number }>(
      `select count(*)::int as n from spend_counters where scope = $1::text`,
      [userId],
    );
    expect(global!.n).toBe(0);
  });
});

describe('the cached climber context', () => {
  let h: Harness;
  let other: CruxServer;
  beforeAll(async () => {
    h = await startHarness();
    // A second instance on the same database (for the embedded database, the same process's).
    other =
      h.dbKind === 'postgres' ? await startServer({ ...h.config, port: 0 }, { log: () => {} }) : h.server;
  });
  afterAll(async () => {
    if (other !== h.server) await other.close();
    await h.close();
  });
  afterEach(() => h.settled());

  const systemPrompt = () => h.simulator.received.at(-1)!.messages[0]!.content;

  it('sees a profile or climb written through another instance on the very next turn', async () => {
    const { token } = await h.signup();
    await h.chat(token, 'hello');
    expect(systemPrompt()).not.toContain('What their logbook shows');

    const put = await fetch(`${other.url}/v1/profile`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ climbing_context: 'I am working on my first 7A.' }),
    });
    expect(put.status).toBe(200);
    await h.chat(token, 'again');
    expect(systemPrompt()).toContain('I am working on my first 7A.');

    const climb = await fetch(`${other.url}/v1/climbs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        climb_type: 'boulder',
        location: 'Home wall',
        grade_scale: 'font',
        grade_value: '6C',
        outcome: 'Fail',
        failure_reasons: ['Bad Feet'],
        style: ['Slab'],
      }),
    });
    expect(climb.status).toBe(201);
    await h.chat(token, 'and now?');
    expect(systemPrompt()).toContain('1 logged climbs');
    expect(systemPrompt()).toContain('Bad Feet');

    const id = ((await climb.json()) as { id: string }).id;
    const deleted = await fetch(`${other.url}/v1/climbs/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(deleted.status).toBe(204);
    await h.chat(token, 'after the delete');
    expect(systemPrompt()).not.toContain('What their logbook shows');
  });
});
