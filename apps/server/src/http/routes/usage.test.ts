import { adminUsageSchema, usageLimitsSchema, usageRecordsSchema, usageSummarySchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAuthRequired,
  expectError,
  type InProcessApp,
  startInProcessApp,
} from '../../../test/support/in-process.ts';
import { AdminGrants } from '../../users/admin-grants.ts';

const ADMIN = 'ops@example.com';
let h: InProcessApp;
let admin: { token: string; userId: string };
beforeAll(async () => {
  h = await startInProcessApp({ env: { DAILY_BUDGET_USD: '5' } });
  admin = await h.signup(ADMIN.toUpperCase());
  await new AdminGrants(h.db).grant(admin.userId); // as `crux admin grant` does
});
afterAll(() => h?.close());

const get = async <T>(schema: { parse(value: unknown): T }, path: string, token: string) => {
  const response = await h.request(path, { token });
  expect(response.status).toBe(200);
  return schema.parse(await response.json());
};
/** A climber with two settled chat turns of known cost. */
const climberWithTwoChats = async () => {
  const climber = await h.user();
  h.simulator.enqueue({ cost: '0.0000321' }, { cost: '0.0001' });
  await h.chat(climber.token, 'first');
  await h.chat(climber.token, 'second');
  await h.settled();
  return climber;
};
const today = () => new Date().toISOString().slice(0, 10);

describe('usage: happy path', () => {
  it('GET /v1/usage sums the ledger exactly, per day, endpoint or model', async () => {
    const { token } = await climberWithTwoChats();
    const byDay = await get(usageSummarySchema, '/v1/usage', token);
    expect(byDay.total).toMatchObject({ requests: 2, cost_usd: '0.0001321' });
    expect(byDay.rows).toMatchObject([{ key: today(), requests: 2, cost_usd: '0.0001321' }]);
    const byEndpoint = await get(usageSummarySchema, '/v1/usage?group_by=endpoint', token);
    expect(byEndpoint.rows).toMatchObject([{ key: 'chat', requests: 2 }]);
    const byModel = await get(usageSummarySchema, '/v1/usage?group_by=model', token);
    expect(byModel.rows).toMatchObject([{ key: 'google/gemini-2.5-pro', requests: 2 }]);
    const before = await get(usageSummarySchema, '/v1/usage?to=2020-01-01', token);
    expect(before).toEqual({ total: { requests: 0, tokens: 0, cost_usd: '0' }, rows: [] });
  });

  it('GET /v1/usage/limits answers what is used and left today', async () => {
    const { token } = await climberWithTwoChats();
    const limits = await get(usageLimitsSchema, '/v1/usage/limits', token);
    expect(limits.chat).toMatchObject({ used: 2, limit: 1000 });
    expect(limits.recommendations).toMatchObject({ used: 0, limit: 1000 });
    expect(limits.budget_usd).toMatchObject({ spent: '0.0001321', limit: '5' });
    expect(Date.parse(limits.chat.resets_at)).toBeGreaterThan(Date.now());
  });

  it('GET /v1/usage/records pages the ledger rows newest first with an opaque cursor', async () => {
    const { token } = await climberWithTwoChats();
    const first = await get(usageRecordsSchema, '/v1/usage/records?limit=1', token);
    expect(first.records).toMatchObject([{ endpoint: 'chat', status: 'ok', cost_usd: '0.0001' }]);
    const second = await get(
      usageRecordsSchema,
      `/v1/usage/records?limit=1&before=${encodeURIComponent(first.next_before!)}`,
      token,
    );
    expect(second.records).toMatchObject([{ cost_usd: '0.0000321' }]);
    expect(second.next_before).toBeUndefined();
    const filtered = await get(usageRecordsSchema, `/v1/usage/records?from=${today()}&to=${today()}`, token);
    expect(filtered.records).toHaveLength(2);
  });

  it('GET /v1/admin/usage answers everyone, per user, to an operator granted admin rights', async () => {
    const one = await climberWithTwoChats();
    const two = await climberWithTwoChats();
    const summary = await get(adminUsageSchema, '/v1/admin/usage', admin.token);
    expect(summary.rows).toEqual(
      expect.arrayContaining([
        { key: one.userId, requests: 2, tokens: expect.any(Number), cost_usd: '0.0001321' },
        { key: two.userId, requests: 2, tokens: expect.any(Number), cost_usd: '0.0001321' },
      ]),
    );
    expect(summary).toHaveProperty('credit'); // OpenRouter's credit left, or null while it does not say
    const byEndpoint = await get(adminUsageSchema, '/v1/admin/usage?group_by=endpoint', admin.token);
    expect(byEndpoint.total.requests).toBe(summary.total.requests);
  });
});

describe('usage: errors', () => {
  it.each([
    ['/v1/usage?group_by=user', 'group_by'],
    ['/v1/usage?from=yesterday', 'from'],
    ['/v1/usage?to=2026-13-01', 'to'],
    ['/v1/usage?currency=eur', ''],
    ['/v1/usage/records?limit=0', 'limit'],
    ['/v1/usage/records?limit=501', 'limit'],
    ['/v1/usage/records?status=ok', ''],
  ])('GET %s answers 400 validation_failed', async (path, field) => {
    const { token } = await h.user();
    const error = await expectError(await h.request(path, { token }), 400, 'validation_failed');
    expect(error.error.details?.map((d) => d.path)).toContain(field);
  });

  it.each(['2026-10-03T10:00:00.000Z', 'not-a-cursor'])(
    'GET /v1/usage/records refuses before=%s',
    async (before) => {
      const { token } = await h.user();
      const response = await h.request(`/v1/usage/records?before=${encodeURIComponent(before)}`, { token });
      await expectError(response, 400, 'validation_failed');
    },
  );

  it('GET /v1/admin/usage refuses a bad group_by with 400 for an operator', async () => {
    await expectError(
      await h.request('/v1/admin/usage?group_by=week', { token: admin.token }),
      400,
      'validation_failed',
    );
  });
});

describe('usage: access', () => {
  it.each(['/v1/usage', '/v1/usage/limits', '/v1/usage/records', '/v1/admin/usage'])(
    'GET %s answers 401 without a valid token',
    async (path) => {
      await expectAuthRequired(h, 'GET', path);
    },
  );

  it('GET /v1/admin/usage answers 403 forbidden to a climber without a grant', async () => {
    const { token } = await climberWithTwoChats();
    await expectError(await h.request('/v1/admin/usage', { token }), 403, 'forbidden');
  });

  it("a token for another user id carrying the operator's e-mail is not the operator: 403", async () => {
    const impostor = await h.user(ADMIN);
    expect(impostor.userId).not.toBe(admin.userId);
    expect((await h.request('/v1/profile', { token: impostor.token })).status).toBe(200);
    await expectError(await h.request('/v1/admin/usage', { token: impostor.token }), 403, 'forbidden');
  });

  it("one climber's usage, records and spend are invisible to another", async () => {
    await climberWithTwoChats();
    const { token } = await h.user();
    const summary = await get(usageSummarySchema, '/v1/usage', token);
    expect(summary.total).toEqual({ requests: 0, tokens: 0, cost_usd: '0' });
    expect((await get(usageRecordsSchema, '/v1/usage/records', token)).records).toEqual([]);
    expect((await get(usageLimitsSchema, '/v1/usage/limits', token)).budget_usd.spent).toBe('0');
  });
});
