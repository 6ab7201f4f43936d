import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFrom } from './support/from-address.ts';
import { type Harness, startHarness } from './support/harness.ts';

const PASSWORD = 'correct horse battery';

/** The value of `crux_limit_refusals_total{limit="…"}` in /metrics (0 when absent). */
async function refusals(h: Harness, limit: string): Promise<number> {
  const text = await (await fetch(`${h.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`crux_limit_refusals_total{limit="${limit}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function expectThrottled(response: Response, code = 'too_many_attempts', maxSeconds = 3600) {
  expect(response.status).toBe(429);
  expect(await response.json()).toMatchObject({ error: { code } });
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

const signupFrom = (h: Harness, address: string, headers: Record<string, string> = {}) =>
  requestFrom(address, `${h.url}/v1/auth/signup`, {
    method: 'POST',
    json: { email: `throttle-${randomUUID()}@example.com`, password: PASSWORD },
    headers,
  });

const loginFrom = (h: Harness, address: string, email: string, password: string) =>
  requestFrom(address, `${h.url}/v1/auth/login`, { method: 'POST', json: { email, password } });

describe('signup throttle (TRUST_PROXY unset: the socket peer is the client)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { SIGNUPS_PER_ADDRESS_PER_HOUR: '5', SIGNUPS_PER_HOUR: '1000' } });
  });
  afterAll(() => h.close());

  it('answers most of a burst of 200 signups from one address with 429 and Retry-After', async () => {
    const responses = await Promise.all(Array.from({ length: 200 }, () => signupFrom(h, '127.0.0.2')));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(195);
    await expectThrottled(responses.find((r) => r.status === 429)!);
    expect(await refusals(h, 'signup_address')).toBe(195);
  }, 120_000);

  it('counts another address on its own', async () => {
    expect((await signupFrom(h, '127.0.0.3')).status).toBe(201);
    await expectThrottled(await signupFrom(h, '127.0.0.2'));
  }, 60_000);

  it('ignores X-Forwarded-For: a client cannot pose as many', async () => {
    for (let i = 1; i <= 5; i++)
      expect((await signupFrom(h, '127.0.0.4', { 'x-forwarded-for': `198.51.100.${i}` })).status).toBe(201);
    await expectThrottled(await signupFrom(h, '127.0.0.4', { 'x-forwarded-for': '198.51.100.99' }));
  }, 60_000);
});

describe('signup throttle behind a trusted proxy (TRUST_PROXY=1)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: { TRUST_PROXY: '1', SIGNUPS_PER_ADDRESS_PER_HOUR: '1', SIGNUPS_PER_HOUR: '3' },
    });
  });
  afterAll(() => h.close());

  it('counts the address the proxy appended, whatever the client wrote before it, and caps everyone', async () => {
    const via = (forwarded: string) => signupFrom(h, '127.0.0.1', { 'x-forwarded-for': forwarded });
    expect((await via('203.0.113.1')).status).toBe(201);
    await expectThrottled(await via('10.9.9.9, 203.0.113.1')); // a forged entry on the left changes nothing
    expect((await via('203.0.113.1, 203.0.113.2')).status).toBe(201);
    expect((await via('203.0.113.3')).status).toBe(201);
    await expectThrottled(await via('203.0.113.4')); // the global cap (3 an hour) is reached
    expect(await refusals(h, 'signup_address')).toBe(1);
    expect(await refusals(h, 'signup_global')).toBe(1);
  }, 60_000);
});

describe('login throttle', () => {
  let h: Harness;
  let owner: { email: string };
  beforeAll(async () => {
    h = await startHarness({
      env: { LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: '3', LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: '5' },
    });
    owner = await h.signup();
  });
  afterAll(() => h.close());

  it('stops guessing one account from one address, while the owner signs in from another', async () => {
    for (let i = 0; i < 3; i++)
      expect((await loginFrom(h, '127.0.0.5', owner.email, `guess-${i}`)).status).toBe(401);
    await expectThrottled(await loginFrom(h, '127.0.0.5', owner.email, PASSWORD)); // even the right one
    expect((await loginFrom(h, '127.0.0.6', owner.email, PASSWORD)).status).toBe(200);
    expect(await refusals(h, 'login_account_address')).toBe(1);
  }, 60_000);

  it('slows spraying one password over many accounts from one address', async () => {
    const accounts = Array.from({ length: 7 }, (_, i) => `sprayed-${i}-${randomUUID()}@example.com`);
    const statuses: number[] = [];
    for (const email of accounts)
      statuses.push((await loginFrom(h, '127.0.0.7', email, 'Summer2026!')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    await expectThrottled(await loginFrom(h, '127.0.0.7', owner.email, PASSWORD));
    expect((await loginFrom(h, '127.0.0.8', owner.email, PASSWORD)).status).toBe(200);
    expect(await refusals(h, 'login_address')).toBe(3);
  }, 60_000);

  it('holds under concurrency: 20 guesses at once pass the count 3 times', async () => {
    const email = `target-${randomUUID()}@example.com`;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => loginFrom(h, '127.0.0.10', email, `parallel-${i}`)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(17);
  }, 60_000);

  it('clears an account’s count from an address when its owner signs in there', async () => {
    const statuses: number[] = [];
    for (const password of ['typo-1', 'typo-2', PASSWORD, 'typo-3', 'typo-4', PASSWORD])
      statuses.push((await loginFrom(h, '127.0.0.9', owner.email, password)).status);
    expect(statuses).toEqual([401, 401, 200, 401, 401, 200]);
  }, 60_000);
});
