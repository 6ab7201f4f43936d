import { errorBodySchema, patternsSchema, profileSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

const aClimb = {
  location: 'Bas Cuvier',
  climb_type: 'boulder',
  grade_scale: 'font',
  grade_value: '6b+',
  outcome: 'Fail',
  awkwardness: 4,
  style: ['Slab', 'Crimp'],
  failure_reasons: ['Bad Feet', 'Fear'],
  notes: 'Slipped off the smear twice',
};

describe('the climbing logbook', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness();
    ({ token } = await h.signup());
  });
  afterAll(() => h.close());

  it('creates a climb with its id and a normalised grade', async () => {
    const response = await h.request('/v1/climbs', { method: 'POST', token, json: aClimb });
    expect(response.status).toBe(201);
    const climb = (await response.json()) as Record<string, unknown>;
    expect(climb).toMatchObject({
      ...aClimb,
      grade_value: '6B+',
      grade_rank: 3.5,
      hold_color: null,
      redemption_at: null,
    });
    expect(climb.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof climb.created_at).toBe('string');
  });

  it('lists newest first and pages with `before`', async () => {
    const { token: own } = await h.signup();
    for (let day = 1; day <= 5; day++) {
      const created_at = `2026-10-0${day}T18:00:00.000Z`;
      await h.request('/v1/climbs', { method: 'POST', token: own, json: { ...aClimb, created_at } });
    }
    const first = (await (await h.request('/v1/climbs?limit=2', { token: own })).json()) as {
      climbs: Array<{ created_at: string }>;
      next_before: string;
    };
    expect(first.climbs.map((c) => c.created_at)).toEqual([
      '2026-10-05T18:00:00.000Z',
      '2026-10-04T18:00:00.000Z',
    ]);
    const second = (await (
      await h.request(`/v1/climbs?limit=2&before=${first.next_before}`, { token: own })
    ).json()) as {
      climbs: Array<{ created_at: string }>;
    };
    expect(second.climbs.map((c) => c.created_at)).toEqual([
      '2026-10-03T18:00:00.000Z',
      '2026-10-02T18:00:00.000Z',
    ]);
  });

  it('patches and deletes', async () => {
    const created = (await (
      await h.request('/v1/climbs', { method: 'POST', token, json: aClimb })
    ).json()) as { id: string };
    const patched = await h.request(`/v1/climbs/${created.id}`, {
      method: 'PATCH',
      token,
      json: { outcome: 'Sent', failure_reasons: [], redemption_at: '2026-11-20T10:00:00Z' },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      outcome: 'Sent',
      grade_value: '6B+',
      redemption_at: '2026-11-20T10:00:00.000Z',
    });

    expect((await h.request(`/v1/climbs/${created.id}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await h.request(`/v1/climbs/${created.id}`, { token })).status).toBe(404);
  });

  it.each([
    ['a grade of another scale', { grade_value: 'V4' }],
    ['an unknown style', { style: ['Crack'] }],
    ['a repeated style', { style: ['Slab', 'Slab'] }],
    ['an unknown failure reason', { failure_reasons: ['Bad Luck'] }],
    ['awkwardness 6', { awkwardness: 6 }],
    ['an unknown climb type', { climb_type: 'trad' }],
    ['a lowercase outcome', { outcome: 'sent' }],
    ['an empty location', { location: '  ' }],
    ['notes over 2000 characters', { notes: 'x'.repeat(2001) }],
    ['a bad date', { created_at: 'last tuesday' }],
    ['a future date', { created_at: '2099-01-01T00:00:00Z' }],
    ['an unknown field', { user_id: '00000000-0000-4000-8000-000000000000' }],
  ])('refuses %s with a clear 400', async (_name, change) => {
    const response = await h.request('/v1/climbs', { method: 'POST', token, json: { ...aClimb, ...change } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('validation_failed');
  });

  it('refuses a patch that breaks the grade or is empty', async () => {
    const created = (await (
      await h.request('/v1/climbs', { method: 'POST', token, json: aClimb })
    ).json()) as { id: string };
    expect(
      (
        await h.request(`/v1/climbs/${created.id}`, {
          method: 'PATCH',
          token,
          json: { grade_scale: 'v_scale' },
        })
      ).status,
    ).toBe(400);
    expect((await h.request(`/v1/climbs/${created.id}`, { method: 'PATCH', token, json: {} })).status).toBe(
      400,
    );
    const unchanged = (await (await h.request(`/v1/climbs/${created.id}`, { token })).json()) as {
      grade_scale: string;
    };
    expect(unchanged.grade_scale).toBe('font');
  });

  it('keeps every climbs route to its owner: another user’s id is a 404', async () => {
    const owner = await h.signup();
    const intruder = await h.signup();
    const created = (await (
      await h.request('/v1/climbs', { method: 'POST', token: owner.token, json: aClimb })
    ).json()) as { id: string };
    const path = `/v1/climbs/${created.id}`;

    expect((await h.request(path, { token: intruder.token })).status).toBe(404);
    expect(
      (await h.request(path, { method: 'PATCH', token: intruder.token, json: { notes: 'mine now' } })).status,
    ).toBe(404);
    expect((await h.request(path, { method: 'DELETE', token: intruder.token })).status).toBe(404);
    const list = (await (await h.request('/v1/climbs', { token: intruder.token })).json()) as {
      climbs: unknown[];
    };
    expect(list.climbs).toEqual([]);
    const patterns = (await (await h.request('/v1/coach/patterns', { token: intruder.token })).json()) as {
      climbing_frequency: { total_climbs: number };
    };
    expect(patterns.climbing_frequency.total_climbs).toBe(0);

    const still = (await (await h.request(path, { token: owner.token })).json()) as { notes: string };
    expect(still.notes).toBe(aClimb.notes);
    expect((await h.request('/v1/climbs/not-a-uuid', { token: owner.token })).status).toBe(404);
  });

  it('serves the patterns with the grade pyramid and the redemption rate, per the contract', async () => {
    const { token: own } = await h.signup();
    const log = (change: Record<string, unknown>) =>
      h.request('/v1/climbs', { method: 'POST', token: own, json: { ...aClimb, ...change } });
    const failed = (await (await log({})).json()) as { id: string };
    await log({ grade_value: '7a', outcome: 'Sent', failure_reasons: [] });
    await log({ grade_value: '6B+', outcome: 'Sent', failure_reasons: [] });
    await log({});
    await h.request(`/v1/climbs/${failed.id}`, {
      method: 'PATCH',
      token: own,
      json: { outcome: 'Sent', redemption_at: '2026-11-20T10:00:00Z' },
    });
    const response = await h.request('/v1/coach/patterns', { token: own });
    expect(response.status).toBe(200);
    const patterns = patternsSchema.parse(await response.json());
    expect(patterns.grade_pyramid).toEqual([
      { grade_scale: 'font', grade_value: '7A', rank: 6, sends: 1 },
      { grade_scale: 'font', grade_value: '6B+', rank: 3.5, sends: 2 },
    ]);
    expect(patterns.redemption_rate).toEqual({ failed: 2, redeemed: 1, rate: 0.5 });
  });

  it('serves the vocabulary', async () => {
    const vocabulary = (await (await h.request('/v1/vocabulary', { token })).json()) as Record<
      string,
      unknown
    >;
    expect(vocabulary.style).toContain('Compression');
    expect(vocabulary.failure_reasons).toEqual(
      expect.arrayContaining([
        'Pumped',
        'Finger Strength',
        'Core',
        'Power',
        'Bad Feet',
        'Body Position',
        'Beta Error',
        'Precision',
        'Fear',
        'Commitment',
        'Focus',
      ]),
    );
    expect((vocabulary.grades as Record<string, string[]>).v_scale).toContain('V10');
  });

  it('reads and updates the profile, keeping fields left out', async () => {
    const { token: own } = await h.signup();
    const fresh = await h.request('/v1/profile', { token: own });
    expect(profileSchema.parse(await fresh.json())).toEqual({
      preferred_discipline: null,
      preferred_grade_scale: null,
      home_gym: null,
      climbing_context: '',
      hold_colors: [],
    });
    const put = await h.request('/v1/profile', {
      method: 'PUT',
      token: own,
      json: {
        preferred_discipline: 'boulder',
        preferred_grade_scale: 'font',
        home_gym: 'Boulder Barn',
        climbing_context: 'Finger injury in 2025.',
        hold_colors: ['yellow', ' green ', 'purple'],
      },
    });
    expect(put.status).toBe(200);
    expect(profileSchema.parse(await put.json()).hold_colors).toEqual(['yellow', 'green', 'purple']);
    await h.request('/v1/profile', { method: 'PUT', token: own, json: { home_gym: 'The Arch' } });
    expect(profileSchema.parse(await (await h.request('/v1/profile', { token: own })).json())).toEqual({
      preferred_discipline: 'boulder',
      preferred_grade_scale: 'font',
      home_gym: 'The Arch',
      climbing_context: 'Finger injury in 2025.',
      hold_colors: ['yellow', 'green', 'purple'],
    });
    await h.request('/v1/profile', { method: 'PUT', token: own, json: { hold_colors: [] } });
    const cleared = profileSchema.parse(await (await h.request('/v1/profile', { token: own })).json());
    expect(cleared.hold_colors).toEqual([]);
    expect(cleared.home_gym).toBe('The Arch');
  });

  it.each([
    ['climbing_context over 2000 characters', { climbing_context: 'x'.repeat(2001) }],
    ['a repeated hold colour', { hold_colors: ['Red', 'red'] }],
    ['an empty hold colour', { hold_colors: ['  '] }],
    ['25 hold colours', { hold_colors: Array.from({ length: 25 }, (_, i) => `colour ${i}`) }],
    ['hold colours that are not a list', { hold_colors: 'red' }],
  ])('refuses a profile with %s', async (_name, change) => {
    const { token: own } = await h.signup();
    const response = await h.request('/v1/profile', { method: 'PUT', token: own, json: change });
    expect(response.status).toBe(400);
    expect(errorBodySchema.parse(await response.json()).error.code).toBe('validation_failed');
  });

  it('keeps each profile to its owner', async () => {
    const owner = await h.signup();
    const other = await h.signup();
    await h.request('/v1/profile', { method: 'PUT', token: owner.token, json: { hold_colors: ['black'] } });
    const seen = profileSchema.parse(await (await h.request('/v1/profile', { token: other.token })).json());
    expect(seen.hold_colors).toEqual([]);
  });
});
