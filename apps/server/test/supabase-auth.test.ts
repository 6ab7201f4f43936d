import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEST_JWT_SECRET } from './support/harness.ts';
import { JwksServer, type SigningKey, signingKey } from './support/jwks-server.ts';

const secret = new TextEncoder().encode(TEST_JWT_SECRET);

describe('Supabase Auth tokens (SUPABASE_URL set)', () => {
  let h: Harness;
  const project = new JwksServer();
  let es256: SigningKey;
  let rs256: SigningKey;
  const logLines: string[] = [];
  beforeAll(async () => {
    [es256, rs256] = await Promise.all([signingKey('ES256', 'key-es'), signingKey('RS256', 'key-rs')]);
    project.published = [es256, rs256];
    const url = await project.start();
    // No cooldown: a token with an unknown key id refetches the JWKS at once (30 s by default).
    h = await startHarness({
      env: { SUPABASE_URL: `${url}/` },
      server: { jwksCooldownMs: 0, log: (line) => logLines.push(line) },
    });
  });
  afterAll(async () => {
    await h.close();
    await project.stop();
  });

  const limits = (token: string) => h.request('/v1/usage/limits', { token });

  it.each(['ES256', 'RS256'])('accepts a user token signed with the project’s %s key', async (alg) => {
    const key = alg === 'ES256' ? es256 : rs256;
    const token = await project.sign(key, randomUUID());
    expect((await limits(token)).status).toBe(200);
  });

  it('accepts the legacy shared secret with Supabase’s issuer and audience', async () => {
    const token = await new SignJWT({ role: 'authenticated', email: 'legacy@supa.example' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(`${project.url}/auth/v1`)
      .setAudience('authenticated')
      .setSubject(randomUUID())
      .setExpirationTime('1h')
      .sign(secret);
    expect((await limits(token)).status).toBe(200);
  });

  const exported = async (token: string) => {
    const response = await h.request('/v1/account/export', { token });
    expect(response.status).toBe(200);
    return (await response.json()) as { account: { id: string; email: string | null; issuer: string } };
  };

  it('keeps an outside user whose e-mail has a local account apart from it, and says so in the log', async () => {
    const local = await h.signup();
    await h.request('/v1/climbs', {
      method: 'POST',
      token: local.token,
      json: { climb_type: 'boulder', grade_scale: 'font', grade_value: '6a', outcome: 'Send' },
    });
    const outsider = randomUUID();
    const token = await project.sign(es256, outsider, { email: local.email.toUpperCase() });
    const climbs = await h.request('/v1/climbs', { token });
    expect(climbs.status).toBe(200);
    expect(await climbs.json()).toEqual({ climbs: [] });
    expect(logLines.some((line) => line.includes(outsider) && /existing Crux account/.test(line))).toBe(true);
    // Two accounts, each keyed by its issuer: the outside one keeps its address, the local one its data.
    expect((await exported(token)).account).toMatchObject({
      id: outsider,
      email: local.email.toUpperCase(),
      issuer: `${project.url}/auth/v1`,
    });
    expect((await exported(local.token)).account).toMatchObject({ id: local.userId, issuer: 'crux' });
    const login = await h.request('/v1/auth/login', {
      method: 'POST',
      json: { email: local.email, password: 'correct horse battery' },
    });
    expect(((await login.json()) as { user: { id: string } }).user.id).toBe(local.userId);
  });

  it('stores a phone sign-in (no email claim) with a null e-mail', async () => {
    const user = randomUUID();
    const token = await project.sign(es256, user, { email: undefined, phone: '15550001234' });
    expect((await limits(token)).status).toBe(200);
    expect((await exported(token)).account).toEqual(expect.objectContaining({ id: user, email: null }));
    const [row] = await h.server.db.query<{ email: string | null }>('select email from users where id = $1', [
      user,
    ]);
    expect(row).toEqual({ email: null });
  });

  it('refuses a Supabase user’s still-valid token once the Crux account is deleted (no silent re-creation)', async () => {
    const user = randomUUID();
    const token = await project.sign(es256, user);
    expect((await limits(token)).status).toBe(200);
    expect((await h.request('/v1/account', { method: 'DELETE', token })).status).toBe(204);
    expect((await limits(token)).status).toBe(401);
    expect((await limits(await project.sign(es256, user))).status).toBe(401);
  });

  it('refuses a Crux token for an account that belongs to Supabase Auth (another issuer)', async () => {
    const user = randomUUID();
    expect((await limits(await project.sign(es256, user))).status).toBe(200);
    const crux = await new SignJWT({ role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('crux')
      .setAudience('authenticated')
      .setSubject(user)
      .setExpirationTime('1h')
      .sign(secret);
    expect((await limits(crux)).status).toBe(401);
  });

  it('refuses anonymous sign-ins with a clear 403', async () => {
    const token = await project.sign(es256, randomUUID(), { is_anonymous: true });
    const response = await limits(token);
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('forbidden');
    expect(body.error.message).toMatch(/anonymous/i);
  });

  it.each([
    ['the anon role', () => project.sign(es256, randomUUID(), { role: 'anon' })],
    ['the service role', () => project.sign(es256, randomUUID(), { role: 'service_role' })],
    ['another audience', () => project.sign(es256, randomUUID(), { aud: 'other' })],
    [
      'another project',
      () => project.sign(es256, randomUUID(), { iss: 'https://other.supabase.co/auth/v1' }),
    ],
    [
      'a key the project never published',
      async () => project.sign(await signingKey('ES256', 'key-es'), randomUUID()),
    ],
    [
      'HS256 keyed with the public JWK (algorithm confusion)',
      () =>
        new SignJWT({ role: 'authenticated' })
          .setProtectedHeader({ alg: 'HS256', kid: 'key-rs' })
          .setIssuer(`${project.url}/auth/v1`)
          .setAudience('authenticated')
          .setSubject(randomUUID())
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(JSON.stringify(rs256.jwk))),
    ],
  ])('answers 401 to a token of %s', async (_name, make) => {
    const response = await limits(await make());
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('follows a key rotation without a restart', async () => {
    const next = await signingKey('ES256', 'key-es-2');
    const user = randomUUID();
    expect((await limits(await project.sign(es256, user))).status).toBe(200);
    const before = project.fetches;

    project.published = [next]; // the old keys are revoked, the new one published
    expect((await limits(await project.sign(next, user))).status).toBe(200);
    expect(project.fetches).toBe(before + 1);
    expect((await limits(await project.sign(es256, user))).status).toBe(401);
    // Known keys come from the cache: no fetch per request.
    for (let i = 0; i < 3; i++) expect((await limits(await project.sign(next, user))).status).toBe(200);
    expect(project.fetches).toBeLessThanOrEqual(before + 2);
  });
});
