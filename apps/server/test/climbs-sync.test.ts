import { climbListSchema, climbSchema, errorBodySchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

const aClimb = {
  location: 'The Arch',
  climb_type: 'boulder',
  grade_scale: 'v_scale',
  grade_value: 'V4',
  outcome: 'Fail',
  style: ['Overhang'],
  failure_reasons: ['Power'],
};

describe('logbook filters and offline sync', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const post = (token: string, body: unknown, key?: string) =>
    h.request('/v1/climbs', {
      method: 'POST',
      token,
      json: body,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
  const list = async (token: string, query: string) => {
    const response = await h.request(`/v1/climbs?${query}`, { token });
    expect(response.status).toBe(200);
    return climbListSchema.parse(await response.json());
  };

  it('filters by outcome and climb type, paging back with `before`', async () => {
    const { token } = await h.signup();
    const other = await h.signup();
    await post(other.token, { ...aClimb, climb_type: 'sport', created_at: '2026-10-20T10:00:00Z' });
    for (let day = 1; day <= 8; day++) {
      await post(token, {
        ...aClimb,
        climb_type: day % 2 ? 'sport' : 'boulder',
        outcome: day <= 6 ? 'Fail' : 'Sent',
        failure_reasons: day <= 6 ? ['Power'] : [],
        created_at: `2026-10-0${day}T10:00:00Z`,
      });
    }
    const days = (page: { climbs: Array<{ created_at: string }> }) =>
      page.climbs.map((c) => Number(c.created_at.slice(8, 10)));

    expect(days(await list(token, 'outcome=Fail'))).toEqual([6, 5, 4, 3, 2, 1]);
    expect(days(await list(token, 'climb_type=sport'))).toEqual([7, 5, 3, 1]);
    const first = await list(token, 'outcome=Fail&climb_type=sport&limit=2');
    expect(days(first)).toEqual([5, 3]);
    expect(first.next_before).toEqual(expect.any(String));
    const second = await list(token, `outcome=Fail&climb_type=sport&limit=2&before=${first.next_before}`);
    expect(days(second)).toEqual([1]);
    expect(second.next_before).toBeUndefined();
    expect(days(await list(token, 'outcome=Sent&climb_type=boulder'))).toEqual([8]);
  });

  it('pages through 30 climbs imported with one created_at, 7 at a time, without skipping or repeating', async () => {
    const { token } = await h.signup();
    const rows = Array.from(
      { length: 30 },
      (_, i) => `Wall ${i},boulder,v_scale,V3,Sent,2026-10-05T18:00:00Z`,
    );
    const imported = await h.request('/v1/climbs/import', {
      method: 'POST',
      token,
      headers: { 'content-type': 'text/csv' },
      body: ['location,climb_type,grade_scale,grade_value,outcome,created_at', ...rows].join('\n'),
    });
    expect(await imported.json()).toEqual({ imported: 30, refused: [] });

    const seen: string[] = [];
    const sizes: number[] = [];
    let before: string | undefined;
    do {
      const page = await list(token, `limit=7${before ? `&before=${encodeURIComponent(before)}` : ''}`);
      sizes.push(page.climbs.length);
      seen.push(...page.climbs.map((climb) => climb.location));
      before = page.next_before;
    } while (before);
    expect(sizes).toEqual([7, 7, 7, 7, 2]);
    expect(new Set(seen).size).toBe(30);
    expect(seen.toSorted()).toEqual(rows.map((row) => row.split(',')[0]).toSorted());
  });

  it.each([
    ['a lowercase outcome', 'outcome=sent'],
    ['an unknown climb type', 'climb_type=trad'],
    ['an unknown parameter', 'grade=V4'],
    ['a bad cursor', 'before=yesterday'],
    ['a timestamp for a cursor', 'before=2026-10-03T10:00:00.000Z'],
  ])('refuses %s with 400', async (_name, query) => {
    const { token } = await h.signup();
    const response = await h.request(`/v1/climbs?${query}`, { token });
    expect(response.status).toBe(400);
    expect(errorBodySchema.parse(await response.json()).error.code).toBe('validation_failed');
  });

  it('returns the stored climb for a repeated Idempotency-Key without inserting again', async () => {
    const { token } = await h.signup();
    const first = await post(token, aClimb, 'offline-1');
    expect(first.status).toBe(201);
    const created = climbSchema.parse(await first.json());
    const again = await post(token, aClimb, 'offline-1');
    expect(again.status).toBe(201);
    expect(climbSchema.parse(await again.json())).toEqual(created);
    expect((await list(token, '')).climbs).toHaveLength(1);

    const otherKey = await post(token, aClimb, 'offline-2');
    expect(climbSchema.parse(await otherKey.json()).id).not.toBe(created.id);
    const noKey = await post(token, aClimb);
    expect(climbSchema.parse(await noKey.json()).id).not.toBe(created.id);
    expect((await list(token, '')).climbs).toHaveLength(3);
  });

  it('refuses the same key with a different climb: 409 idempotency_conflict', async () => {
    const { token } = await h.signup();
    await post(token, aClimb, 'k');
    const other = await post(token, { ...aClimb, grade_value: 'V5' }, 'k');
    expect(other.status).toBe(409);
    expect(errorBodySchema.parse(await other.json()).error.code).toBe('idempotency_conflict');
    expect((await list(token, '')).climbs).toHaveLength(1);
  });

  it('creates one climb for concurrent requests with one key, and answers each with it', async () => {
    const { token } = await h.signup();
    const responses = await Promise.all(Array.from({ length: 6 }, () => post(token, aClimb, 'race')));
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
    const ids = new Set(await Promise.all(responses.map(async (r) => climbSchema.parse(await r.json()).id)));
    expect(ids.size).toBe(1);
    expect((await list(token, '')).climbs).toHaveLength(1);
  });

  it('scopes keys to their user and forgets a key whose request was refused', async () => {
    const alice = await h.signup();
    const bob = await h.signup();
    const a = climbSchema.parse(await (await post(alice.token, aClimb, 'shared')).json());
    const b = await post(bob.token, aClimb, 'shared');
    expect(b.status).toBe(201);
    expect(climbSchema.parse(await b.json()).id).not.toBe(a.id);
    expect((await list(bob.token, '')).climbs).toHaveLength(1);

    const refused = await post(alice.token, { ...aClimb, grade_value: '7A' }, 'fix-me');
    expect(refused.status).toBe(400);
    const fixed = await post(alice.token, { ...aClimb, grade_value: 'V6' }, 'fix-me');
    expect(fixed.status).toBe(201);
    expect(climbSchema.parse(await fixed.json()).grade_value).toBe('V6');
  });

  it('rejects a malformed key with 400', async () => {
    const { token } = await h.signup();
    const response = await post(token, aClimb, 'with space');
    expect(response.status).toBe(400);
    expect((await list(token, '')).climbs).toHaveLength(0);
  });
});
