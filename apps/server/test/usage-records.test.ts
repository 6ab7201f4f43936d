import { usageRecordsSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function page(token: string, query: string) {
  const response = await h.request(`/v1/usage/records?${query}`, { token });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('GET /v1/usage/records', () => {
  it('pages through every row with the cursor, newest first, none skipped or repeated', async () => {
    const { token } = await h.signup();
    for (let i = 0; i < 5; i++) expect((await h.chat(token, `question ${i}`)).done).toBe(true);
    await h.settled();

    const seen: string[] = [];
    let before = '';
    for (let pages = 0; pages < 10; pages++) {
      const { status, body } = await page(token, `limit=2${before ? `&before=${before}` : ''}`);
      expect(status).toBe(200);
      const { records, next_before } = usageRecordsSchema.parse(body);
      seen.push(...records.map((r) => r.id));
      if (!next_before) break;
      before = encodeURIComponent(next_before);
    }
    const all = usageRecordsSchema.parse((await page(token, 'limit=500')).body).records;
    expect(all).toHaveLength(5);
    expect(seen).toEqual(all.map((r) => r.id));
    expect(all.map((r) => r.created_at)).toEqual([...all.map((r) => r.created_at)].sort().reverse());
  });

  it('filters by UTC day', async () => {
    const { token } = await h.signup();
    await h.chat(token, 'one question');
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(
      usageRecordsSchema.parse((await page(token, `from=${today}&to=${today}`)).body).records,
    ).toHaveLength(1);
    expect(usageRecordsSchema.parse((await page(token, `from=${tomorrow}`)).body).records).toHaveLength(0);
  });

  it('refuses a cursor it did not give out with 400', async () => {
    const { token } = await h.signup();
    for (const before of [
      'nonsense',
      Buffer.from("2026-01-01|'; drop table api_usage").toString('base64url'),
    ]) {
      const { status, body } = await page(token, `before=${before}`);
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: { code: 'validation_failed' } });
    }
  });
});

describe('POST /v1/auth/login', () => {
  it('answers 401 for any wrong password, even one shorter than the signup minimum', async () => {
    const { email } = await h.signup();
    const response = await h.request('/v1/auth/login', {
      method: 'POST',
      json: { email, password: 'short' },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_credentials' } });
  });
});
