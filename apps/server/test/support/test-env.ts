import { SignJWT } from 'jose';

/** The signing secret every test server is configured with. */
export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

/** Signup and login throttles no ordinary test reaches (every test client is on loopback). */
export const GENEROUS_THROTTLES = {
  SIGNUPS_PER_ADDRESS_PER_HOUR: '100000',
  SIGNUPS_PER_HOUR: '100000',
  LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: '100000',
  LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: '100000',
};

const SOMEONE = '0b7f0a86-8e0c-4c9e-9a59-2f3c4d5e6f70';
const sign = (secret: string, expires: number | string) =>
  new SignJWT({ role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(SOMEONE)
    .setExpirationTime(expires)
    .sign(new TextEncoder().encode(secret));

/** Credentials a protected route must answer 401 to: none, garbage, forged, expired. */
export async function badTokens(): Promise<Array<[name: string, token: string | undefined]>> {
  return [
    ['no token', undefined],
    ['a garbage token', 'not.a.jwt'],
    ['a token signed with another secret', await sign('another-secret-another-secret-another-secret', '1h')],
    ['an expired token', await sign(TEST_JWT_SECRET, Math.floor(Date.now() / 1000) - 60)],
  ];
}
