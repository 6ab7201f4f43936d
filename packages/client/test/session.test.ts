import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEST_JWT_SECRET } from '../../../apps/server/test/support/harness.ts';
import { type CruxApiError, type CruxClient, createCruxClient, type Session } from '../src/index.ts';

let h: Harness;
let anonymous: CruxClient;

beforeAll(async () => {
  h = await startHarness();
  anonymous = createCruxClient({ baseUrl: h.url });
});
afterAll(() => h.close());

const signup = () =>
  anonymous.auth.signup({ email: `sdk-${randomUUID()}@example.com`, password: 'correct horse battery' });

/** An access token of this user that expired a minute ago. */
const expiredToken = (userId: string) =>
  new SignJWT({ role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('crux')
    .setAudience('authenticated')
    .setSubject(userId)
    .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));

describe('the client renews its session', () => {
  it('answers a 401 with one refresh and one retry, handing the new pair to onSession', async () => {
    const session = await signup();
    const received: Array<{ token: string; refresh_token: string }> = [];
    const unauthorized: CruxApiError[] = [];
    const crux = anonymous.withSession(
      { token: await expiredToken(session.user.id), refresh_token: session.refresh_token },
      { onSession: (next) => received.push(next), onUnauthorized: (error) => unauthorized.push(error) },
    );
    // Several calls refused at once share one refresh (a second use of the token would revoke the sign-in).
    const profiles = await Promise.all([crux.profile.get(), crux.usage.limits(), crux.climbs.list()]);
    expect(profiles).toHaveLength(3);
    expect(received).toHaveLength(1);
    expect((received[0] as Session).user.id).toBe(session.user.id);
    expect(unauthorized).toEqual([]);
    // The spent refresh token is gone; the client keeps using the new pair.
    await expect(anonymous.auth.refresh(session.refresh_token)).rejects.toMatchObject({ status: 401 });
    expect(await crux.profile.get()).toBeDefined();
  });

  it('calls onUnauthorized when the refresh token is refused too (signed out elsewhere)', async () => {
    const session = await signup();
    await anonymous.auth.logout(session.refresh_token);
    const unauthorized: CruxApiError[] = [];
    const crux = anonymous.withSession(
      { token: await expiredToken(session.user.id), refresh_token: session.refresh_token },
      { onUnauthorized: (error) => unauthorized.push(error) },
    );
    await expect(crux.profile.get()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(unauthorized).toHaveLength(1);
  });

  it('throws a wrong current password as it is: no refresh, no sign-out', async () => {
    const session = await signup();
    const received: unknown[] = [];
    const unauthorized: CruxApiError[] = [];
    const crux = anonymous.withSession(session, {
      onSession: (next) => received.push(next),
      onUnauthorized: (error) => unauthorized.push(error),
    });
    await expect(
      crux.auth.changePassword({ current_password: 'not my password', new_password: 'a whole new password' }),
    ).rejects.toMatchObject({ status: 401, code: 'invalid_credentials' });
    expect(received).toEqual([]);
    expect(unauthorized).toEqual([]);
    // The refresh token was not spent on a pointless renewal.
    expect((await anonymous.auth.refresh(session.refresh_token)).user.id).toBe(session.user.id);
  });

  it('changes the password, exports and deletes the account', async () => {
    const session = await signup();
    const crux = anonymous.withSession(session);
    const next = await crux.auth.changePassword({
      current_password: 'correct horse battery',
      new_password: 'a whole new password',
    });
    await expect(anonymous.auth.refresh(session.refresh_token)).rejects.toMatchObject({ status: 401 });
    const signedIn = anonymous.withSession(next);
    const data = await signedIn.account.export();
    expect(data.account).toMatchObject({ id: session.user.id, email: session.user.email });
    await signedIn.account.delete();
    await expect(signedIn.profile.get()).rejects.toMatchObject({ status: 401 });
    expect(await anonymous.auth.config()).toEqual({ supabase_url: null, supabase_anon_key: null });
  });
});
