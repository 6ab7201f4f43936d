import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEST_JWT_SECRET } from './support/harness.ts';

interface SessionBody {
  token: string;
  refresh_token: string;
  expires_in: number;
  user: { id: string; email: string };
}

const PASSWORD = 'correct horse battery';

describe('sessions: short-lived access tokens, rotating refresh tokens', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const signup = async (): Promise<SessionBody> => {
    const response = await h.request('/v1/auth/signup', {
      method: 'POST',
      json: { email: `climber-${randomUUID()}@example.com`, password: PASSWORD },
    });
    expect(response.status).toBe(201);
    return (await response.json()) as SessionBody;
  };
  const refresh = (refresh_token: string) =>
    h.request('/v1/auth/refresh', { method: 'POST', json: { refresh_token } });
  const limits = (token: string) => h.request('/v1/usage/limits', { token });
  const payload = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };

  it('hands out a 15-minute access token and a refresh token at sign-up and login', async () => {
    const session = await signup();
    expect(session.expires_in).toBe(900);
    const { iat, exp } = payload(session.token);
    expect(exp - iat).toBe(900);
    expect(session.refresh_token).toMatch(/^[\w-]{43}$/);
    const login = await h.request('/v1/auth/login', {
      method: 'POST',
      json: { email: session.user.email, password: PASSWORD },
    });
    const body = (await login.json()) as SessionBody;
    expect(body.refresh_token).toMatch(/^[\w-]{43}$/);
    expect(body.refresh_token).not.toBe(session.refresh_token);
  });

  it('stores refresh tokens only as hashes', async () => {
    const session = await signup();
    const rows = await h.server.db.query<{ token_hash: string }>(
      'select token_hash from refresh_tokens where user_id = $1',
      [session.user.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.token_hash).not.toContain(session.refresh_token);
  });

  it('rotates: a refresh gives a new pair, and the new access token works', async () => {
    const session = await signup();
    const response = await refresh(session.refresh_token);
    expect(response.status).toBe(200);
    const next = (await response.json()) as SessionBody;
    expect(next.user).toEqual(session.user);
    expect(next.refresh_token).not.toBe(session.refresh_token);
    expect((await limits(next.token)).status).toBe(200);
    // The next one rotates again.
    expect((await refresh(next.refresh_token)).status).toBe(200);
  });

  it('revokes the whole family when a rotated refresh token is used again', async () => {
    const session = await signup();
    const stolen = session.refresh_token;
    const owner = (await (await refresh(stolen)).json()) as SessionBody;
    const reuse = await refresh(stolen);
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toMatchObject({ error: { code: 'unauthorized' } });
    // The owner's current token, descended from the stolen one, is revoked too.
    expect((await refresh(owner.refresh_token)).status).toBe(401);
  });

  it('lets only one of two concurrent refreshes with the same token win', async () => {
    const session = await signup();
    const statuses = (
      await Promise.all([refresh(session.refresh_token), refresh(session.refresh_token)])
    ).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 401]);
  });

  it('revokes on logout (204, and again 204), leaving other sign-ins alone', async () => {
    const session = await signup();
    const other = (await (
      await h.request('/v1/auth/login', {
        method: 'POST',
        json: { email: session.user.email, password: PASSWORD },
      })
    ).json()) as SessionBody;
    const logout = () =>
      h.request('/v1/auth/logout', { method: 'POST', json: { refresh_token: session.refresh_token } });
    expect((await logout()).status).toBe(204);
    expect((await logout()).status).toBe(204);
    expect((await refresh(session.refresh_token)).status).toBe(401);
    expect((await refresh(other.refresh_token)).status).toBe(200);
  });

  it('refuses unknown, empty and malformed refresh tokens with 400/401, never 500', async () => {
    expect((await refresh('not-a-token')).status).toBe(401);
    expect((await refresh('')).status).toBe(400);
    const wrongShape = await h.request('/v1/auth/refresh', { method: 'POST', json: { token: 'x' } });
    expect(wrongShape.status).toBe(400);
  });

  it('changes the password: every refresh token revoked, a new session returned, the old password refused', async () => {
    const session = await signup();
    const other = (await (
      await h.request('/v1/auth/login', {
        method: 'POST',
        json: { email: session.user.email, password: PASSWORD },
      })
    ).json()) as SessionBody;
    const change = (token: string, current: string) =>
      h.request('/v1/auth/password', {
        method: 'PUT',
        token,
        json: { current_password: current, new_password: 'a brand new password' },
      });
    const wrong = await change(session.token, 'not the password');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'invalid_credentials' } });
    expect((await h.request('/v1/auth/password', { method: 'PUT', json: {} })).status).toBe(401);

    const changed = await change(session.token, PASSWORD);
    expect(changed.status).toBe(200);
    const fresh = (await changed.json()) as SessionBody;
    expect((await refresh(session.refresh_token)).status).toBe(401);
    expect((await refresh(other.refresh_token)).status).toBe(401);
    expect((await refresh(fresh.refresh_token)).status).toBe(200);
    const login = (password: string) =>
      h.request('/v1/auth/login', { method: 'POST', json: { email: session.user.email, password } });
    expect((await login(PASSWORD)).status).toBe(401);
    expect((await login('a brand new password')).status).toBe(200);
  });

  it('answers an expired access token 401, and the refresh token still gets a new one', async () => {
    const session = await signup();
    const expired = await new SignJWT({ role: 'authenticated', email: session.user.email })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('crux')
      .setAudience('authenticated')
      .setSubject(session.user.id)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 960)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expect((await limits(expired)).status).toBe(401);
    const renewed = (await (await refresh(session.refresh_token)).json()) as SessionBody;
    expect((await limits(renewed.token)).status).toBe(200);
  });
});
