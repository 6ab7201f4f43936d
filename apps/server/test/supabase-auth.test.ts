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
  beforeAll(async () => {
    [es256, rs256] = await Promise.all([signingKey('ES256', 'key-es'), signingKey('RS256', 'key-rs')]);
    project.published = [es256, rs256];
    const url = await project.start();
    // No cooldown: a token with an unknown key id refetches the JWKS at once (30 s by default).
    h = await startHarness({ env: { SUPABASE_URL: `${url}/` }, server: { jwksCooldownMs: 0 } });
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

  it('keeps an outside user whose e-mail has a local account apart from it', async () => {
    const local = await h.signup();
    const token = await project.sign(es256, randomUUID(), { email: local.email });
    const climbs = await h.request('/v1/climbs', { token });
    expect(climbs.status).toBe(200);
    expect(await climbs.json()).toEqual({ climbs: [] });
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
