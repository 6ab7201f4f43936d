import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budgets } from '../src/ledger/budgets.ts';
import { type CruxServer, startServer } from '../src/server.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { expectLedgerEqualsBill } from './support/ledger-check.ts';

interface Limits {
  chat: { used: number };
  budget_usd: { spent: string; reserved: string; limit: string | null; left: string | null };
}

const MAX_TOKENS = '600';
/** About 10 worst-case chats (≈ 0.0067 USD each at 600 max_tokens on the simulated Gemini 2.5 Pro). */
const BUDGET = '0.07';

const limitsOf = async (h: Harness, token: string) =>
  (await (await h.request('/v1/usage/limits', { token })).json()) as Limits;

/** 50 chats and recommendations at once, on any of the given servers; returns their statuses. */
async function burst(token: string, bases: string[]): Promise<number[]> {
  return Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const path = i % 5 === 0 ? '/v1/coach/recommendations' : '/v1/chat';
      const response = await fetch(`${bases[i % bases.length]}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: i % 5 === 0 ? '{}' : JSON.stringify({ message: `burst ${i}` }),
      });
      const body = await response.text();
      if (response.status === 429) expect(body).toContain('budget_exceeded');
      return response.status;
    }),
  );
}

/** The ledger's sum for today, exactly. */
async function ledgerSum(h: Harness): Promise<Big> {
  const [row] = await h.server.db.query<{ sum: string }>(
    'select coalesce(sum(cost_usd), 0)::text as sum from api_usage',
  );
  return new Big(row!.sum);
}

describe('budgets hold before the money is spent', () => {
  let h: Harness;
  let second: CruxServer | undefined;
  beforeAll(async () => {
    h = await startHarness({ env: { DAILY_BUDGET_USD: BUDGET, OPENROUTER_MAX_TOKENS: MAX_TOKENS } });
    if (h.dbKind === 'postgres') second = await startServer({ ...h.config, port: 0 }, { log: () => {} });
  });
  afterAll(async () => {
    await second?.close();
    await h.close();
  });

  it('sends max_tokens and reserves the worst case while a call is in flight', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ processingMs: 600 });
    const chat = h.chat(token, 'in flight');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await limitsOf(h, token);
    expect(h.simulator.received.at(-1)!.max_tokens).toBe(600);
    expect(new Big(during.budget_usd.reserved).gt(0)).toBe(true);
    expect(during.budget_usd.left).toBe(new Big(BUDGET).minus(during.budget_usd.reserved).toFixed());
    await chat;
    await h.settled();
    const after = await limitsOf(h, token);
    expect(after.budget_usd.reserved).toBe('0');
    expect(after.budget_usd.spent).toBe((await h.records(token))[0]!.cost_usd);
    expect(after.budget_usd.left).toBe(new Big(BUDGET).minus(after.budget_usd.spent).toFixed());
  });

  it('lets 50 concurrent chats and recommendations spend at most the budget, wave after wave', async () => {
    const { token } = await h.signup();
    const bases = second ? [h.url, second.url] : [h.url];
    const before = await ledgerSum(h);
    const statuses: number[] = [];
    for (let wave = 0; wave < 3; wave++) {
      statuses.push(...(await burst(token, bases)));
      await h.settled();
      await second?.background.idle();
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(50);
    expect(statuses.every((s) => s === 200 || s === 429 || s === 502)).toBe(true);
    const spent = (await ledgerSum(h)).minus(before);
    expect(spent.lte(BUDGET)).toBe(true);
    const limits = await limitsOf(h, token);
    expect(limits.budget_usd).toMatchObject({ spent: spent.toFixed(), reserved: '0', limit: BUDGET });
    await expectLedgerEqualsBill(h);
  }, 120_000);

  it('answers 429 budget_exceeded before any call when the worst case does not fit', async () => {
    const { token, userId } = await h.signup();
    await new Budgets(h.server.db).setUserLimit(userId, '0.001'); // below one worst case
    const calls = h.simulator.received.length;
    const refused = await h.chat(token, 'too dear');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'budget_exceeded' } });
    const coach = await h.request('/v1/coach/recommendations', { method: 'POST', token });
    expect(coach.status).toBe(429);
    expect(h.simulator.received.length).toBe(calls);
    expect(await h.records(token)).toEqual([]);
    const limits = await limitsOf(h, token);
    expect(limits.chat.used).toBe(0);
    expect(limits.budget_usd).toMatchObject({ limit: '0.001', left: '0.001' });
    // The override goes; DAILY_BUDGET_USD applies again.
    await new Budgets(h.server.db).setUserLimit(userId, null);
    expect((await h.chat(token, 'affordable now')).status).toBe(200);
  });
});

describe('the operator-wide daily budget', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { GLOBAL_DAILY_BUDGET_USD: BUDGET, OPENROUTER_MAX_TOKENS: MAX_TOKENS } });
  });
  afterAll(() => h.close());

  it('holds across many users calling at once', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => h.signup()));
    const statuses: number[] = [];
    for (let wave = 0; wave < 2; wave++) {
      statuses.push(...(await Promise.all(users.map((u) => burst(u.token, [h.url])))).flat());
      await h.settled();
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(100);
    expect((await ledgerSum(h)).lte(BUDGET)).toBe(true);
    await expectLedgerEqualsBill(h);
  }, 120_000);
});

describe('a model whose price is unknown', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { OPENROUTER_MODEL: 'openrouter/auto', DAILY_BUDGET_USD: '1' } });
  });
  afterAll(() => h.close());

  it('is refused with a clear error while a budget is set, before any call', async () => {
    const { token } = await h.signup();
    const refused = await h.chat(token, 'route me');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({
      error: { code: 'model_price_unknown', message: expect.stringMatching(/price .* unknown/) },
    });
    expect(h.simulator.received).toHaveLength(0);
    const { messages } = (await (await h.request('/v1/chat/messages', { token })).json()) as {
      messages: Array<{ content: string }>;
    };
    expect(messages).toEqual([]); // refused in the same round trip that would store it: nothing kept
    const limits = (await (await h.request('/v1/usage/limits', { token })).json()) as {
      chat: { used: number };
    };
    expect(limits.chat.used).toBe(0);
  });
});
