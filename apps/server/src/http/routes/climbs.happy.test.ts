import {
  climbListSchema,
  climbSchema,
  importReportSchema,
  logbookExportSchema,
  vocabularySchema,
} from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessApp, startInProcessApp } from '../../../test/support/in-process.ts';

let h: InProcessApp;
let token: string;
beforeAll(async () => {
  h = await startInProcessApp();
  ({ token } = await h.user());
});
afterAll(() => h?.close());

const aClimb = {
  location: 'The Arch',
  climb_type: 'boulder',
  grade_scale: 'v_scale',
  grade_value: 'v4',
  outcome: 'Fail',
  awkwardness: 3,
  style: ['Overhang', 'Crimp'],
  failure_reasons: ['Power'],
  hold_color: 'Pink',
};
const post = (json: unknown, as = token) => h.request('/v1/climbs', { method: 'POST', token: as, json });
const created = async (json: unknown, as = token) => climbSchema.parse(await (await post(json, as)).json());

describe('climbs: happy path', () => {
  it('GET /v1/vocabulary lists every allowed value', async () => {
    const response = await h.request('/v1/vocabulary', { token });
    expect(response.status).toBe(200);
    const vocabulary = vocabularySchema.parse(await response.json());
    expect(vocabulary.outcome).toEqual(['Sent', 'Fail']);
    expect(vocabulary.grades.v_scale).toContain('V4');
  });

  it('POST answers 201 with the stored climb: an id, the grade normalised and ranked, defaults filled', async () => {
    const response = await post(aClimb);
    expect(response.status).toBe(201);
    const climb = climbSchema.parse(await response.json());
    expect(climb).toMatchObject({
      ...aClimb,
      grade_value: 'V4',
      grade_rank: 4,
      notes: '',
      redemption_at: null,
    });
    expect(Date.parse(climb.created_at)).toBeLessThanOrEqual(Date.now());
  });

  it('GET /v1/climbs/:id, PATCH and DELETE work on one climb', async () => {
    const climb = await created({ ...aClimb, created_at: '2026-10-01T18:00:00Z' });
    const read = await h.request(`/v1/climbs/${climb.id}`, { token });
    expect(read.status).toBe(200);
    expect(climbSchema.parse(await read.json())).toEqual(climb);

    const patched = await h.request(`/v1/climbs/${climb.id}`, {
      method: 'PATCH',
      token,
      json: { outcome: 'Sent', failure_reasons: [], redemption_at: '2026-10-08T18:00:00Z' },
    });
    expect(patched.status).toBe(200);
    expect(climbSchema.parse(await patched.json())).toEqual({
      ...climb,
      outcome: 'Sent',
      failure_reasons: [],
      redemption_at: '2026-10-08T18:00:00.000Z',
    });

    const deleted = await h.request(`/v1/climbs/${climb.id}`, { method: 'DELETE', token });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect((await h.request(`/v1/climbs/${climb.id}`, { token })).status).toBe(404);
  });

  it('GET /v1/climbs lists newest first, filters, and pages with an opaque next_before', async () => {
    const { token: own } = await h.user();
    for (const [day, outcome] of [
      [1, 'Fail'],
      [2, 'Sent'],
      [3, 'Fail'],
      [4, 'Fail'],
    ] as const) {
      await created({ ...aClimb, outcome, created_at: `2026-10-0${day}T18:00:00Z` }, own);
    }
    const list = async (query: string) => {
      const response = await h.request(`/v1/climbs?${query}`, { token: own });
      expect(response.status).toBe(200);
      return climbListSchema.parse(await response.json());
    };
    const days = (page: { climbs: Array<{ created_at: string }> }) =>
      page.climbs.map((climb) => Number(climb.created_at.slice(8, 10)));

    expect(await list('')).toMatchObject({ climbs: expect.any(Array) });
    expect(days(await list(''))).toEqual([4, 3, 2, 1]);
    expect((await list('')).next_before).toBeUndefined();
    const first = await list('outcome=Fail&limit=2');
    expect(days(first)).toEqual([4, 3]);
    expect(first.next_before).toEqual(expect.any(String));
    expect(Number.isNaN(Date.parse(first.next_before!))).toBe(true); // opaque, not a timestamp
    const second = await list(`outcome=Fail&limit=2&before=${encodeURIComponent(first.next_before!)}`);
    expect(days(second)).toEqual([1]);
    expect(second.next_before).toBeUndefined();
  });

  it('POST with an Idempotency-Key answers the stored climb again for a repeat, inserting once', async () => {
    const { token: own } = await h.user();
    const headers = { 'idempotency-key': 'offline-climb-1' };
    const first = await h.request('/v1/climbs', { method: 'POST', token: own, json: aClimb, headers });
    const again = await h.request('/v1/climbs', { method: 'POST', token: own, json: aClimb, headers });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(climbSchema.parse(await again.json())).toEqual(climbSchema.parse(await first.json()));
    expect(
      climbListSchema.parse(await (await h.request('/v1/climbs', { token: own })).json()).climbs,
    ).toHaveLength(1);
  });

  it('exports JSON and CSV, and a CSV import reports what went in and what was refused', async () => {
    const { token: own } = await h.user();
    const csv = [
      'location,climb_type,grade_scale,grade_value,outcome,style,created_at',
      'Gym,boulder,font,6b+,Sent,Slab;Crimp,2026-09-01T10:00:00Z',
      'Gym,boulder,font,not-a-grade,Sent,,2026-09-02T10:00:00Z',
    ].join('\n');
    const imported = await h.request('/v1/climbs/import', {
      method: 'POST',
      token: own,
      body: csv,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
    expect(imported.status).toBe(200);
    const report = importReportSchema.parse(await imported.json());
    expect(report).toEqual({
      imported: 1,
      refused: [{ row: 3, errors: [expect.stringContaining('not-a-grade')] }],
    });

    const json = await h.request('/v1/climbs/export?format=json', { token: own });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-disposition')).toBe('attachment; filename="crux-logbook.json"');
    const logbook = logbookExportSchema.parse(await json.json());
    expect(logbook.climbs).toMatchObject([{ location: 'Gym', grade_value: '6B+', style: ['Slab', 'Crimp'] }]);

    const text = await h.request('/v1/climbs/export?format=csv', { token: own });
    expect(text.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [header, row, end] = (await text.text()).split('\n');
    expect(header).toMatch(/^id,created_at,location,/);
    expect(row).toContain(`${logbook.climbs[0]!.id},2026-09-01T10:00:00.000Z,Gym,boulder,font,6B+`);
    expect(end).toBe('');
  });
});
