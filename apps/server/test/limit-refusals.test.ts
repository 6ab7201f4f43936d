import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budgets } from '../src/ledger/budgets.ts';
import { secondsUntilUtcMidnight } from '../src/ledger/limits.ts';
import { requestFrom } from './support/from-address.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { JwksServer, type SigningKey, signingKey } from './support/jwks-server.ts';

/** The value of `crux_limit_refusals_total{limit="…"}` in /metrics (0 when absent). */
async function refusals(h: Harness, limit: string): Promise<number> {
  const text = await (await fetch(`${h.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`crux_limit_refusals_total{limit="${limit}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** A 429 with this code whose Retry-After is the time left until 00:00 UTC. */
async function expectUntilMidnight(response: Response, code: string) {
  expect(response.status).toBe(429);
  expect(await response.json()).toMatchObject({ error: { code } });
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Math.abs(retryAfter - secondsUntilUtcMidnight())).toBeLessThanOrEqual(30);
}

describe('daily limits and budgets: 429 with Retry-After until 00:00 UTC, counted in /metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { DAILY_CHAT_LIMIT: '1', DAILY_REC_LIMIT: '0' } });
  });
  afterAll(() => h.close());

  const chat = (token: string) =>
    h.request('/v1/chat', { method: 'POST', token, json: { message: 'how do I crimp?' } });

  it('the daily chat and recommendation limits', async () => {
    const { token } = await h.signup();
    const first = await chat(token);
    expect(first.status).toBe(200);
    await first.text();
    await expectUntilMidnight(await chat(token), 'daily_limit_reached');
    await expectUntilMidnight(
      await h.request('/v1/coach/recommendations', { method: 'POST', token, json: {} }),
      'daily_limit_reached',
    );
    expect(await refusals(h, 'daily_chat')).toBe(1);
    expect(await refusals(h, 'daily_recommendations')).toBe(1);
  });

  it('a budget that cannot cover the call', async () => {
    const { token, userId } = await h.signup();
    await new Budgets(h.server.db).setUserLimit(userId, '0');
    await expectUntilMidnight(await chat(token), 'budget_exceeded');
    expect(await refusals(h, 'budget_user')).toBe(1);
  });
});

describe('anonymous Supabase users (ALLOW_ANONYMOUS_USERS=true)', () => {
  let h: Harness;
  let key: SigningKey;
  const project = new JwksServer();
  beforeAll(async () => {
    key = await signingKey('ES256', 'key-anon');
    project.published = [key];
    h = await startHarness({
      env: {
        SUPABASE_URL: await project.start(),
        ALLOW_ANONYMOUS_USERS: 'true',
        ANONYMOUS_DAILY_CHAT_LIMIT: '2',
        ANONYMOUS_DAILY_REC_LIMIT: '0',
        ANONYMOUS_GLOBAL_DAILY_LIMIT: '3',
      },
      server: { jwksCooldownMs: 0 },
    });
  });
  afterAll(async () => {
    await h.close();
    await project.stop();
  });

  /** A fresh anonymous sign-in: a new user id each time, as Supabase issues them. */
  const anonymous = () => project.sign(key, randomUUID(), { is_anonymous: true, email: '' });
  const chatFrom = (address: string, token: string) =>
    requestFrom(address, `${h.url}/v1/chat`, {
      method: 'POST',
      token,
      json: { message: 'what should I train?' },
    });

  it('limits them by client address, so a new anonymous sign-in does not reset the day', async () => {
    const first = await anonymous();
    h.simulator.enqueue({ status: 402 }); // refused before any token: the units are given back
    expect((await chatFrom('127.0.0.11', first)).status).toBe(503);
    expect((await chatFrom('127.0.0.11', first)).status).toBe(200);
    expect((await chatFrom('127.0.0.11', first)).status).toBe(200);
    await expectUntilMidnight(await chatFrom('127.0.0.11', first), 'daily_limit_reached');
    await expectUntilMidnight(await chatFrom('127.0.0.11', await anonymous()), 'daily_limit_reached');
    const recommendation = await requestFrom('127.0.0.11', `${h.url}/v1/coach/recommendations`, {
      method: 'POST',
      token: first,
      json: {},
    });
    await expectUntilMidnight(recommendation, 'daily_limit_reached');
    expect(await refusals(h, 'anonymous_chat_address')).toBe(2);
    expect(await refusals(h, 'anonymous_recommendations_address')).toBe(1);
    // What a new guest from that network is shown is what binds: the network's count, not a fresh user's.
    const limits = await requestFrom('127.0.0.11', `${h.url}/v1/usage/limits`, { token: await anonymous() });
    expect(await limits.json()).toMatchObject({
      chat: { used: 2, limit: 2 },
      recommendations: { used: 0, limit: 0 },
    });
  });

  it('caps all anonymous use per day, and leaves signed-in users alone', async () => {
    expect((await chatFrom('127.0.0.12', await anonymous())).status).toBe(200); // the 3rd today
    await expectUntilMidnight(await chatFrom('127.0.0.13', await anonymous()), 'daily_limit_reached');
    expect(await refusals(h, 'anonymous_global')).toBe(1);
    const member = await project.sign(key, randomUUID());
    expect((await chatFrom('127.0.0.11', member)).status).toBe(200);
  });
});
