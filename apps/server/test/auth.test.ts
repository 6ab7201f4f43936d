import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEST_JWT_SECRET } from './support/harness.ts';

const key = new TextEncoder().encode(TEST_JWT_SECRET);

describe('auth', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('signs up, refuses a taken e-mail with 409, and logs in', async () => {
    const email = `Alex.${Date.now()}@Example.com`;
    const signup = await h.request('/v1/auth/signup', {
      method: 'POST',
      json: { email, password: 'slab-master-9' },
    });
    expect(signup.status).toBe(201);
    const created = (await signup.json()) as { token: string; user: { id: string; email: string } };
    expect(created.user.email).toBe(email);

    const again = await h.request('/v1/auth/signup', {
      method: 'POST',
      json: { email: email.toLowerCase(), password: 'another-pass' },
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'email_taken' } });

    const login = await h.request('/v1/auth/login', {
      method: 'POST',
      json: { email, password: 'slab-master-9' },
    });
    expect(login.status).toBe(200);
    const body = (await login.json()) as { token: string; user: { id: string } };
    expect(body.user.id).toBe(created.user.id);
    expect((await h.request('/v1/usage/limits', { token: body.token })).status).toBe(200);

    const wrong = await h.request('/v1/auth/login', {
      method: 'POST',
      json: { email, password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'invalid_credentials' } });
  });

  it('takes as long for an unknown account as for a wrong password (no account probing by timing)', async () => {
    const { email } = await h.signup();
    const timed = async (who: string) => {
      const started = performance.now();
      const response = await h.request('/v1/auth/login', {
        method: 'POST',
        json: { email: who, password: 'not-the-password' },
      });
      expect(response.status).toBe(401);
      return performance.now() - started;
    };
    const median = async (who: string) => {
      const times = [await timed(who), await timed(who), await timed(who)].sort((x, y) => x - y);
      return times[1]!;
    };
    const unknown = await median(`nobody-${Date.now()}@example.com`);
    const wrong = await median(email);
    // Both run one scrypt (hundreds of ms); without the dummy hash an unknown account took ~3 ms.
    expect(unknown).toBeGreaterThan(wrong * 0.5);
  }, 60_000);

  it('rejects a password shorter than 8 characters', async () => {
    const response = await h.request('/v1/auth/signup', {
      method: 'POST',
      json: { email: 'short@example.com', password: 'abc' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('issues Supabase-shaped tokens of its own issuer (iss, sub, role, aud, exp)', async () => {
    const { token, userId } = await h.signup();
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({ iss: 'crux', sub: userId, role: 'authenticated', aud: 'authenticated' });
    expect(payload.exp).toBeTypeOf('number');
  });

  /** A token shaped like Crux's own, signed with the shared secret. */
  const own = (claims: Record<string, unknown> = { role: 'authenticated' }) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('crux')
      .setAudience('authenticated')
      .setSubject('0b7f0a86-8e0c-4c9e-9a59-2f3c4d5e6f70')
      .setExpirationTime('1h');

  it('accepts a token of its own issuer and audience signed with the secret', async () => {
    const response = await h.request('/v1/usage/limits', { token: await own().sign(key) });
    expect(response.status).toBe(200);
  });

  const badTokens: Array<[string, () => Promise<string | undefined>]> = [
    ['missing', async () => undefined],
    ['role anon', () => own({ role: 'anon' }).sign(key)],
    ['role service_role', () => own({ role: 'service_role' }).sign(key)],
    ['roleless', () => own({}).sign(key)],
    ['wrong audience', () => own().setAudience('crux-admin').sign(key)],
    ['other issuer', () => own().setIssuer('https://evil.example/auth/v1').sign(key)],
    [
      'issuer-less (a Supabase token while SUPABASE_URL is unset)',
      () =>
        new SignJWT({ role: 'authenticated' })
          .setProtectedHeader({ alg: 'HS256' })
          .setAudience('authenticated')
          .setSubject('0b7f0a86-8e0c-4c9e-9a59-2f3c4d5e6f70')
          .setExpirationTime('1h')
          .sign(key),
    ],
    ['garbage', async () => 'not.a.jwt'],
    [
      'forged (other secret)',
      () => own().sign(new TextEncoder().encode('another-secret-another-secret-another-secret')),
    ],
    [
      'alg none',
      async () =>
        new UnsecuredJWT({ role: 'authenticated' })
          .setIssuer('crux')
          .setAudience('authenticated')
          .setSubject('0b7f0a86-8e0c-4c9e-9a59-2f3c4d5e6f70')
          .setExpirationTime('1h')
          .encode(),
    ],
    [
      'expired',
      () =>
        own()
          .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
          .sign(key),
    ],
    [
      'without exp',
      () =>
        new SignJWT({ role: 'authenticated' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer('crux')
          .setAudience('authenticated')
          .setSubject('0b7f0a86-8e0c-4c9e-9a59-2f3c4d5e6f70')
          .sign(key),
    ],
    ['sub not a uuid', () => own().setSubject('admin').sign(key)],
  ];

  it.each(badTokens)('answers 401 JSON for a %s token', async (_name, make) => {
    const token = await make();
    for (const [path, method] of [
      ['/v1/usage/records', 'GET'],
      ['/v1/chat', 'POST'],
    ] as const) {
      const response = await h.request(path, {
        method,
        token,
        json: method === 'POST' ? { message: 'hi' } : undefined,
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(h.simulator.received).toHaveLength(0);
  });
});
