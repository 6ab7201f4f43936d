import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cruxFor } from './support/cli.ts';
import { type Harness, startHarness, TEST_JWT_SECRET } from './support/harness.ts';
import { JwksServer, type SigningKey, signingKey } from './support/jwks-server.ts';

const OPERATOR = 'ops@crux.example';

describe('admin rights come from a grant, never from an e-mail address', { timeout: 90_000 }, () => {
  let h: Harness;
  const project = new JwksServer();
  let key: SigningKey;
  beforeAll(async () => {
    key = await signingKey('ES256', 'admin-test');
    project.published = [key];
    // ADMIN_EMAILS names the operator: it must not make anyone admin by that address.
    h = await startHarness({ env: { ADMIN_EMAILS: OPERATOR, SUPABASE_URL: await project.start() } });
  });
  afterAll(async () => {
    await h.close();
    await project.stop();
  });

  const adminUsage = (token: string) => h.request('/v1/admin/usage', { token });
  /** Stops the server while the CLI has the database (the embedded one allows one process). */
  const operator = async (args: string[]) => {
    await h.stopServer();
    try {
      return await cruxFor(h, args);
    } finally {
      await h.restart();
    }
  };

  it('gives nothing to whoever signs up first with an admin’s address', async () => {
    const squatter = await h.signup(OPERATOR);
    const response = await adminUsage(squatter.token);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('gives nothing to a token whose email claim names an admin', async () => {
    const own = await new SignJWT({ role: 'authenticated', email: OPERATOR })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('crux')
      .setAudience('authenticated')
      .setSubject(randomUUID())
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expect((await adminUsage(own)).status).toBe(403);
    const supabase = await project.sign(key, randomUUID(), { email: OPERATOR, email_verified: true });
    expect((await adminUsage(supabase)).status).toBe(403);
  });

  it('trusts app_metadata.crux_admin (service role only), not user_metadata (the user’s own)', async () => {
    const selfMade = await project.sign(key, randomUUID(), { user_metadata: { crux_admin: true } });
    expect((await adminUsage(selfMade)).status).toBe(403);
    const granted = await project.sign(key, randomUUID(), { app_metadata: { crux_admin: true } });
    expect((await adminUsage(granted)).status).toBe(200);
  });

  it('grants and revokes with `crux admin grant|revoke EMAIL|ID`', async () => {
    const user = await h.signup();
    expect((await adminUsage(user.token)).status).toBe(403);

    const grant = await operator(['admin', 'grant', user.email]);
    expect(grant.code).toBe(0);
    expect(grant.stdout).toContain('is now an admin');
    expect((await adminUsage(user.token)).status).toBe(200);

    const again = await operator(['admin', 'grant', user.userId]);
    expect(again.stdout).toContain('already an admin');

    const revoke = await operator(['admin', 'revoke', user.userId]);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain('no longer an admin');
    expect((await adminUsage(user.token)).status).toBe(403);

    const unknown = await operator(['admin', 'grant', 'nobody@example.com']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no user/i);
  });
});
