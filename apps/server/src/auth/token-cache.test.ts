import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenCache } from './token-cache.ts';
import { TokenService } from './tokens.ts';

const tokens = new TokenService({ secret: 'x'.repeat(32), lifetime: 3600 });

async function verified(userId = randomUUID()) {
  const token = await tokens.sign(userId, `${userId}@example.com`);
  const claims = await tokens.verify(token);
  if (!claims) throw new Error('the token did not verify');
  return { token, claims, userId };
}

describe('TokenCache', () => {
  it('keeps a verified token for at most 30 s, whatever TTL is asked for', async () => {
    let now = 1_000_000;
    const cache = new TokenCache({ ttlMs: 600_000, now: () => now });
    const { token, claims } = await verified();
    cache.rememberToken(token, claims);
    expect(cache.verifiedToken(token)).toEqual(claims);
    now += 29_999;
    expect(cache.verifiedToken(token)).toEqual(claims);
    now += 1;
    expect(cache.verifiedToken(token)).toBeUndefined();
  });

  it('never keeps a token past its own expiry', async () => {
    const short = new TokenService({ secret: 'x'.repeat(32), lifetime: 10 });
    const token = await short.sign(randomUUID(), 'a@example.com');
    const claims = (await short.verify(token))!;
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp as number;
    let now = exp * 1000 - 5_000;
    const cache = new TokenCache({ now: () => now });
    cache.rememberToken(token, claims);
    expect(cache.verifiedToken(token)).toEqual(claims);
    now = exp * 1000;
    expect(cache.verifiedToken(token)).toBeUndefined();
  });

  it('forgets every token of a user on invalidate, and only theirs', async () => {
    const cache = new TokenCache();
    const a1 = await verified();
    const a2 = await verified(a1.userId);
    const b = await verified();
    for (const { token, claims } of [a1, a2, b]) cache.rememberToken(token, claims);
    cache.invalidate(a1.userId);
    expect(cache.verifiedToken(a1.token)).toBeUndefined();
    expect(cache.verifiedToken(a2.token)).toBeUndefined();
    expect(cache.verifiedToken(b.token)).toEqual(b.claims);
  });

  it('stays within its bound, dropping the oldest entries', async () => {
    const cache = new TokenCache({ maxEntries: 3 });
    const entries = await Promise.all(Array.from({ length: 5 }, () => verified()));
    for (const { token, claims } of entries) cache.rememberToken(token, claims);
    expect(entries.map((e) => cache.verifiedToken(e.token) !== undefined)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});
