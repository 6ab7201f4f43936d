import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

interface RecommendationResponse {
  recommendation: {
    id: string;
    created_at: string;
    content: { weekly_focus: string; drills: unknown[]; projecting_focus: unknown[] };
  };
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    cost_usd: string;
    attempts: number;
  };
  is_cached: boolean;
  warning?: string;
}

const recommend = (h: Harness, token: string) =>
  h.request('/v1/coach/recommendations', { method: 'POST', token });

describe('coach recommendations', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { DAILY_REC_LIMIT: '3' } });
  });
  afterAll(() => h.close());

  it('answers a validated plan: a focus, 3 drills, 3-4 projecting items, and its usage', async () => {
    const { token } = await h.signup();
    expect((await h.request('/v1/coach/recommendations/latest', { token })).status).toBe(404);
    h.simulator.enqueue({ cost: '0.0021' });
    const response = await recommend(h, token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as RecommendationResponse;
    expect(body.is_cached).toBe(false);
    expect(body.recommendation.content.drills).toHaveLength(3);
    expect(body.recommendation.content.projecting_focus.length).toBeGreaterThanOrEqual(3);
    expect(body.usage).toMatchObject({ cost_usd: '0.0021', attempts: 1 });
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);

    const latest = (await (
      await h.request('/v1/coach/recommendations/latest', { token })
    ).json()) as RecommendationResponse;
    expect(latest.recommendation).toEqual(body.recommendation);
    expect(h.simulator.received.at(-1)!.response_format).toEqual({ type: 'json_object' });
  });

  it('retries invalid → invalid → valid, billing every attempt to the last digit', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue(
      { output: 'invalid_json', cost: '0.0000004' },
      { output: 'schema_invalid', cost: '0.00000123456789' },
      { cost: '12.3456789' },
    );
    const body = (await (await recommend(h, token)).json()) as RecommendationResponse;
    expect(body.is_cached).toBe(false);
    expect(body.usage.attempts).toBe(3);
    expect(body.usage.cost_usd).toBe('12.34568053456789'); // 0.0000004 + 0.00000123456789 + 12.3456789

    const records = (await h.records(token)).reverse();
    expect(records.map((r) => [r.endpoint, r.status, r.error_code])).toEqual([
      ['recommendations', 'invalid_output', 'invalid_json'],
      ['recommendations', 'invalid_output', 'schema_mismatch'],
      ['recommendations', 'ok', null],
    ]);
    for (const record of records) {
      expect(record.cost_usd).toBe(h.simulator.billing.get(record.generation_id!)!.totalCost);
    }
    const ledgerSum = records.reduce((sum, r) => sum.plus(r.cost_usd!), new Big(0));
    expect(ledgerSum.toFixed()).toBe(body.usage.cost_usd);
  });

  it('retries after a mid-stream failure, billing the failed attempt too', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ failAfterChunks: 2, cost: '0.0001' }, { cost: '0.0002' });
    const body = (await (await recommend(h, token)).json()) as RecommendationResponse;
    expect(body).toMatchObject({ is_cached: false, usage: { attempts: 2, cost_usd: '0.0003' } });
    const records = (await h.records(token)).reverse();
    expect(records.map((r) => [r.status, r.error_code, r.cost_usd])).toEqual([
      ['error', 'upstream_502', '0.0001'],
      ['ok', null, '0.0002'],
    ]);
  });

  it('puts the generation id on the pending row while the coach is still writing', async () => {
    const { token, userId } = await h.signup();
    h.simulator.enqueue({ processingMs: 800 });
    const pending = recommend(h, token);
    let rows: Array<{ status: string; generation_id: string | null }> = [];
    for (let i = 0; i < 40 && !rows[0]?.generation_id; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      rows = await h.server.db.query('select status, generation_id from api_usage where user_id = $1', [
        userId,
      ]);
    }
    expect(rows).toEqual([{ status: 'pending', generation_id: expect.stringMatching(/^gen-sim-/) }]);
    expect((await pending).status).toBe(200);
  });

  it('answers 502 when every attempt is invalid and there is no earlier plan, still billing all three', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ output: 'invalid_json' }, { output: 'schema_invalid' }, { output: 'invalid_json' });
    const response = await recommend(h, token);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: 'coach_unavailable' } });
    const records = await h.records(token);
    expect(records).toHaveLength(3);
    expect(records.every((r) => r.status === 'invalid_output' && Number(r.cost_usd) > 0)).toBe(true);
  });

  it('falls back to the earlier plan with is_cached and a warning when every attempt is invalid', async () => {
    const { token } = await h.signup();
    const first = (await (await recommend(h, token)).json()) as RecommendationResponse;
    h.simulator.enqueue(
      { output: 'schema_invalid' },
      { output: 'schema_invalid' },
      { output: 'invalid_json' },
    );
    const response = await recommend(h, token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as RecommendationResponse;
    expect(body).toMatchObject({ is_cached: true, recommendation: { id: first.recommendation.id } });
    expect(body.warning).toMatch(/previous plan/);
    expect(body.usage.attempts).toBe(3);
    expect(Number(body.usage.cost_usd)).toBeGreaterThan(0);
  });

  it('gives the unit back when the upstream refuses before billing anything', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ status: 402 });
    const response = await recommend(h, token);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'upstream_out_of_credits' } });
    const limits = (await (await h.request('/v1/usage/limits', { token })).json()) as {
      recommendations: { used: number };
    };
    expect(limits.recommendations.used).toBe(0);
  });

  it('takes no options: an empty body or {} is fine, anything else is a 400', async () => {
    const { token } = await h.signup();
    const post = (body: string) =>
      h.request('/v1/coach/recommendations', {
        method: 'POST',
        token,
        body,
        headers: { 'content-type': 'application/json' },
      });
    expect((await post('{"model":"openai/gpt-4o"}')).status).toBe(400);
    expect((await post('{"weekly')).status).toBe(400);
    expect((await post('{}')).status).toBe(200);
  });

  it('lets exactly DAILY_REC_LIMIT of 8 concurrent requests through', async () => {
    const { token } = await h.signup();
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => recommend(h, token).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
  });
});

describe('privacy: what the upstream receives', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('anonymises the coach and chat prompts, and adds patterns and context', async () => {
    const { token, userId, email } = await h.signup('alex.honnold.fan@example.com');
    await h.request('/v1/profile', {
      method: 'PUT',
      token,
      json: {
        home_gym: 'Boulder Barn',
        climbing_context:
          'I train at Boulder Barn. Reach me at alex@climb.example or +1 (555) 123-4567. Shoulder tweak last year.',
      },
    });
    const climbs = [
      {
        location: 'Bas Cuvier',
        notes: 'Video: https://example.com/beta — slipped at Bas Cuvier',
        grade_scale: 'font',
        grade_value: '7A',
        outcome: 'Fail',
        failure_reasons: ['Bad Feet'],
        style: ['Slab'],
      },
      {
        location: 'Boulder Barn',
        notes: 'Blue circuit, felt strong',
        grade_scale: 'color_circuit',
        grade_value: 'blue',
        outcome: 'Sent',
        failure_reasons: [],
        style: ['Overhang'],
      },
    ];
    for (const climb of climbs) {
      const response = await h.request('/v1/climbs', {
        method: 'POST',
        token,
        json: { climb_type: 'boulder', ...climb },
      });
      expect(response.status).toBe(201);
    }

    await recommend(h, token);
    await h.chat(token, 'What should I work on?');
    const [coachRequest, chatRequest] = h.simulator.received.slice(-2);

    for (const request of [coachRequest!, chatRequest!]) {
      const sent = JSON.stringify(request);
      for (const secret of [
        'Bas Cuvier',
        'Boulder Barn',
        'alex@climb.example',
        '(555) 123-4567',
        '123-4567',
        'https://example.com',
        email,
        userId,
      ]) {
        expect(sent).not.toContain(secret);
      }
      expect(request.user).toMatch(/^crux-[0-9a-f]{24}$/);
      expect(sent).toContain('Shoulder tweak last year');
    }
    const coachText = JSON.stringify(coachRequest);
    expect(coachText).toContain('outdoor_crag');
    expect(coachText).toContain('indoor_gym');
    expect(coachText).toContain('Bad Feet');
    // The chat prompt gains the patterns summary.
    expect(chatRequest!.messages[0]!.content).toContain('Bad Feet (100% of fails)');
  });
});
