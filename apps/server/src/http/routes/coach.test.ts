import {
  climbSchema,
  generatedRecommendationSchema,
  latestRecommendationSchema,
  patternsSchema,
} from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAuthRequired,
  expectError,
  type InProcessApp,
  startInProcessApp,
} from '../../../test/support/in-process.ts';

let h: InProcessApp;
beforeAll(async () => {
  h = await startInProcessApp({ env: { DAILY_REC_LIMIT: '2' } });
});
afterAll(() => h?.close());

const generate = (token: string, init: RequestInit = {}) =>
  h.request('/v1/coach/recommendations', { method: 'POST', token, ...init });
const latest = (token: string) => h.request('/v1/coach/recommendations/latest', { token });
const logClimb = async (token: string, json: Record<string, unknown>) =>
  climbSchema.parse(await (await h.request('/v1/climbs', { method: 'POST', token, json })).json());
const aClimb = { location: 'Gym', climb_type: 'boulder', grade_scale: 'v_scale', grade_value: 'V3' };

describe('coach: happy path', () => {
  it('GET /v1/coach/patterns answers empty patterns for a new climber', async () => {
    const { token } = await h.user();
    const response = await h.request('/v1/coach/patterns', { token });
    expect(response.status).toBe(200);
    const patterns = patternsSchema.parse(await response.json());
    expect(patterns.climbing_frequency.total_climbs).toBe(0);
    expect(patterns.grade_pyramid).toEqual([]);
    expect(patterns.recent_successes.hardest_send).toBeNull();
  });

  it('GET /v1/coach/patterns counts failure reasons, sends and redemptions', async () => {
    const { token } = await h.user();
    await logClimb(token, { ...aClimb, outcome: 'Fail', failure_reasons: ['Bad Feet'], style: ['Slab'] });
    await logClimb(token, {
      ...aClimb,
      outcome: 'Sent',
      grade_value: 'V5',
      redemption_at: new Date().toISOString(),
    });
    const patterns = patternsSchema.parse(await (await h.request('/v1/coach/patterns', { token })).json());
    expect(patterns.failure_patterns).toEqual([{ reason: 'Bad Feet', count: 1, percentage: 100 }]);
    expect(patterns.recent_successes).toMatchObject({ sends: 1, hardest_send: { grade_value: 'V5' } });
    expect(patterns.grade_pyramid).toMatchObject([{ grade_value: 'V5', sends: 1 }]);
  });

  it('POST /v1/coach/recommendations answers a plan with its exact usage; latest then serves it', async () => {
    const { token } = await h.user();
    await expectError(await latest(token), 404, 'not_found');
    h.simulator.enqueue({ cost: '0.0021' });
    const response = await generate(token);
    expect(response.status).toBe(200);
    const generated = generatedRecommendationSchema.parse(await response.json());
    expect(generated).toMatchObject({ is_cached: false, usage: { cost_usd: '0.0021', attempts: 1 } });

    const served = await latest(token);
    expect(served.status).toBe(200);
    expect(latestRecommendationSchema.parse(await served.json())).toEqual({
      recommendation: generated.recommendation,
    });
  });

  it('POST takes an empty body or {} alike', async () => {
    const { token } = await h.user();
    const empty = await generate(token);
    const object = await generate(token, { body: '{}', headers: { 'content-type': 'application/json' } });
    expect([empty.status, object.status]).toEqual([200, 200]);
  });

  it('POST answers a repeated Idempotency-Key with the stored plan, calling the upstream once', async () => {
    const { token } = await h.user();
    const headers = { 'idempotency-key': 'plan-1' };
    const first = generatedRecommendationSchema.parse(await (await generate(token, { headers })).json());
    const calls = h.simulator.received.length;
    const again = await generate(token, { headers });
    expect(again.status).toBe(200);
    expect(generatedRecommendationSchema.parse(await again.json()).recommendation).toEqual(
      first.recommendation,
    );
    expect(h.simulator.received).toHaveLength(calls);
  });
});

describe('coach: errors', () => {
  it.each([
    ['an option it does not take', '{"model":"openai/gpt-4o"}', 400, 'validation_failed'],
    ['a body that is not JSON', '{"weekly', 400, 'invalid_json'],
    ['a JSON array', '[]', 400, 'validation_failed'],
  ])('POST refuses %s with %i', async (_name, body, status, code) => {
    const { token } = await h.user();
    const response = await generate(token, { body, headers: { 'content-type': 'application/json' } });
    await expectError(response, status, code);
  });

  it('POST refuses a malformed Idempotency-Key with 400', async () => {
    const { token } = await h.user();
    await expectError(
      await generate(token, { headers: { 'idempotency-key': '' } }),
      400,
      'validation_failed',
    );
  });

  it('POST answers 429 daily_limit_reached, saying when it resets, once DAILY_REC_LIMIT is used', async () => {
    const { token } = await h.user();
    expect((await generate(token)).status).toBe(200);
    expect((await generate(token)).status).toBe(200);
    const calls = h.simulator.received.length;
    const error = await expectError(await generate(token), 429, 'daily_limit_reached');
    expect(error.error.message).toContain('00:00 UTC');
    expect(h.simulator.received).toHaveLength(calls);
  });

  it('POST answers 502 coach_unavailable when every attempt is invalid and there is no earlier plan', async () => {
    const { token } = await h.user();
    h.simulator.enqueue({ output: 'invalid_json' }, { output: 'schema_invalid' }, { output: 'invalid_json' });
    await expectError(await generate(token), 502, 'coach_unavailable');
    await expectError(await latest(token), 404, 'not_found');
  });

  it('POST passes an upstream refusal on as its contract error', async () => {
    const { token } = await h.user();
    h.simulator.enqueue({ status: 402 });
    await expectError(await generate(token), 503, 'upstream_out_of_credits');
  });
});

describe('coach: access', () => {
  it.each([
    ['GET', '/v1/coach/patterns'],
    ['POST', '/v1/coach/recommendations'],
    ['GET', '/v1/coach/recommendations/latest'],
  ])('%s %s answers 401 without a valid token, calling no upstream', async (method, path) => {
    const calls = h.simulator.received.length;
    await expectAuthRequired(h, method, path);
    expect(h.simulator.received).toHaveLength(calls);
  });

  it("one climber's patterns and plans are invisible to another", async () => {
    const owner = await h.user();
    const other = await h.user();
    await logClimb(owner.token, { ...aClimb, outcome: 'Fail', failure_reasons: ['Fear'] });
    expect((await generate(owner.token)).status).toBe(200);
    await expectError(await latest(other.token), 404, 'not_found');
    const patterns = patternsSchema.parse(
      await (await h.request('/v1/coach/patterns', { token: other.token })).json(),
    );
    expect(patterns.climbing_frequency.total_climbs).toBe(0);
  });
});
