import { randomUUID } from 'node:crypto';
import { reconcileReportSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, type InProcessApp, startInProcessApp } from '../../../test/support/in-process.ts';
import { OpenRouterClient } from '../../llm/openrouter-client.ts';

const SECRET = 'reconcile-secret-0123456789abcdef0123456789';

describe('POST /v1/ops/reconcile', () => {
  let h: InProcessApp;
  let off: InProcessApp;
  beforeAll(async () => {
    h = await startInProcessApp({ env: { CRUX_RECONCILE_SECRET: SECRET } });
    off = await startInProcessApp();
  });
  afterAll(async () => {
    await h?.close();
    await off?.close();
  });

  const reconcile = (app: InProcessApp, authorization?: string) =>
    app.request('/v1/ops/reconcile', {
      method: 'POST',
      ...(authorization ? { headers: { authorization } } : {}),
    });

  it('settles the rows of dead instances and rows with no owner a minute old, and says what it did', async () => {
    const { userId } = await h.signup(); // a row needs its user in the database
    const client = new OpenRouterClient({ baseUrl: h.simulator.baseUrl, apiKey: undefined });
    h.simulator.enqueue({ cost: '0.0031', generationDelayMs: 0 });
    const { generationId } = await client.complete({
      model: 'google/gemini-2.5-pro',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const insert = (generation: string, ageSeconds: number) =>
      h.db.query(
        `insert into api_usage (id, request_id, user_id, endpoint, model, status, generation_id, instance_id, created_at)
         values ($1, $2, $3, 'chat', 'google/gemini-2.5-pro', 'pending', $4, null, now() - make_interval(secs => $5))`,
        [randomUUID(), randomUUID(), userId, generation, ageSeconds],
      );
    await insert(generationId!, 120);
    await insert('gen-not-reported', 120);
    await insert('gen-too-young', 5);

    const response = await reconcile(h, `Bearer ${SECRET}`);
    expect(response.status).toBe(200);
    expect(reconcileReportSchema.parse(await response.json())).toEqual({
      settled: 1,
      closed_without_generation: 0,
      replayed_from_spool: 0,
      waiting: 1,
      waiting_by_reason: { not_reported_yet: 1 },
    });
    const [row] = await h.db.query<{ status: string; cost: string }>(
      'select status, cost_usd::text as cost from api_usage where generation_id = $1',
      [generationId],
    );
    expect(row).toEqual({ status: 'ok', cost: '0.0031' });
  });

  it.each([
    ['no authorization', undefined],
    ['a wrong secret', 'Bearer not-the-secret'],
    ['the secret without Bearer', SECRET],
  ])('answers 401 with %s', async (_name, authorization) => {
    await expectError(await reconcile(h, authorization), 401, 'unauthorized');
  });

  it('answers 401 to a user token: it is not for users', async () => {
    const { token } = await h.user();
    await expectError(await reconcile(h, `Bearer ${token}`), 401, 'unauthorized');
  });

  it('is absent (404) while CRUX_RECONCILE_SECRET is unset', async () => {
    const error = await expectError(await reconcile(off, `Bearer ${SECRET}`), 404, 'not_found');
    expect(error.error.message).toContain('CRUX_RECONCILE_SECRET');
  });
});
