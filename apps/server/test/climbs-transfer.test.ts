import { climbListSchema, errorBodySchema, importReportSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

const climbs = [
  {
    location: 'Bas Cuvier',
    climb_type: 'boulder',
    grade_scale: 'font',
    grade_value: '6b+',
    outcome: 'Fail',
    awkwardness: 4,
    style: ['Slab', 'Crimp'],
    failure_reasons: ['Bad Feet', 'Fear'],
    notes: 'Slipped off the "smear",\ntwice; then =SUM(A1) fell',
    created_at: '2026-10-01T18:00:00Z',
    redemption_at: '2026-10-20T10:00:00Z',
  },
  {
    location: '=HYPERLINK("http://x")',
    climb_type: 'sport',
    grade_scale: 'v_scale',
    grade_value: 'VB',
    outcome: 'Sent',
    hold_color: '-pink-',
    created_at: '2026-10-02T18:00:00Z',
  },
  {
    location: 'The Arch',
    climb_type: 'boulder',
    grade_scale: 'color_circuit',
    grade_value: 'Blue',
    outcome: 'Sent',
    notes: "'quoted'",
    created_at: '2026-10-03T18:00:00Z',
  },
];

const HEADER = 'location,climb_type,grade_scale,grade_value,outcome';

describe('logbook export and import', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const exportAs = (token: string, format: string) =>
    h.request(`/v1/climbs/export?format=${format}`, { token });
  const exportJson = async (token: string) =>
    climbListSchema.parse(await (await exportAs(token, 'json')).json());
  const importCsv = (token: string, body: string, type = 'text/csv') =>
    h.request('/v1/climbs/import', { method: 'POST', token, body, headers: { 'content-type': type } });
  const withoutIds = (list: Array<{ id: string }>) => list.map(({ id: _id, ...rest }) => rest);

  it('exports an empty logbook as a header row or an empty list', async () => {
    const { token } = await h.signup();
    const csv = await exportAs(token, 'csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="crux-logbook.csv"');
    expect(await csv.text()).toBe(
      'id,created_at,location,climb_type,grade_scale,grade_value,grade_rank,outcome,awkwardness,style,failure_reasons,hold_color,redemption_at,notes\n',
    );
    const json = await h.request('/v1/climbs/export', { token });
    expect(json.headers.get('content-disposition')).toBe('attachment; filename="crux-logbook.json"');
    expect(await json.json()).toEqual({ climbs: [] });
  });

  it('exports the whole logbook newest first and imports it back into another account unchanged', async () => {
    const alice = await h.signup();
    const bob = await h.signup();
    for (const climb of climbs) {
      expect(
        (await h.request('/v1/climbs', { method: 'POST', token: alice.token, json: climb })).status,
      ).toBe(201);
    }
    const exported = await exportJson(alice.token);
    expect(exported.climbs.map((c) => c.location)).toEqual(['The Arch', climbs[1]!.location, 'Bas Cuvier']);
    expect(exported.climbs[2]).toMatchObject({
      grade_value: '6B+',
      notes: climbs[0]!.notes,
      style: ['Slab', 'Crimp'],
    });

    const csv = await (await exportAs(alice.token, 'csv')).text();
    expect(csv).toContain('"\'=HYPERLINK(""http://x"")"');
    const imported = await importCsv(bob.token, csv);
    expect(imported.status).toBe(200);
    expect(importReportSchema.parse(await imported.json())).toEqual({ imported: 3, refused: [] });

    const copy = await exportJson(bob.token);
    expect(withoutIds(copy.climbs)).toEqual(withoutIds(exported.climbs));
    const again = await (await exportAs(bob.token, 'csv')).text();
    const dropIds = (text: string) => text.replace(/^[0-9a-f-]{36},/gm, '');
    expect(dropIds(again)).toBe(dropIds(csv));
    expect((await exportJson(alice.token)).climbs).toHaveLength(3);
  });

  it('imports the valid rows and reports each refused row with its reasons', async () => {
    const { token } = await h.signup();
    const csv = [
      `notes,${HEADER},style,awkwardness,created_at`,
      'fine,Gym,boulder,v_scale,v2,Sent,Slab;Vert,2,2026-09-01T10:00:00Z',
      ',Gym,boulder,v_scale,7a,Fail,,,',
      ',,trad,v_scale,V1,sent,Crack,9,',
      ',Gym,sport,font,6c,Fail,,,2099-01-01T00:00:00Z',
      ',Gym,sport,font,6c',
      '"with, comma",Crag,sport,font,7a,Fail,Roof,,',
    ].join('\n');
    const response = await importCsv(token, csv);
    expect(response.status).toBe(200);
    const report = importReportSchema.parse(await response.json());
    expect(report.imported).toBe(2);
    expect(report.refused.map((r) => r.row)).toEqual([3, 4, 5, 6]);
    expect(report.refused[0]!.errors).toEqual([expect.stringMatching(/"7a" is not a v_scale grade/)]);
    expect(report.refused[1]!.errors).toEqual([
      expect.stringMatching(/^location: /),
      expect.stringMatching(/^climb_type: /),
      expect.stringMatching(/^outcome: /),
      expect.stringMatching(/^awkwardness: /),
      expect.stringMatching(/^style\.0: /),
    ]);
    expect(report.refused[2]!.errors).toEqual(['created_at must not be in the future']);
    expect(report.refused[3]!.errors).toEqual(['the row has 5 cells, the header 9']);

    const logbook = (await exportJson(token)).climbs;
    expect(logbook.map((c) => [c.grade_value, c.notes, c.style])).toEqual([
      ['7A', 'with, comma', ['Roof']],
      ['V2', 'fine', ['Slab', 'Vert']],
    ]);
  });

  it.each([
    ['an empty body', '', 'text/csv'],
    ['an unknown column', `${HEADER},grade_points\nGym,boulder,v_scale,V1,Sent,10\n`, 'text/csv'],
    ['a missing column', 'location,climb_type\nGym,boulder\n', 'text/csv'],
    ['broken quoting', `${HEADER}\n"Gym,boulder,v_scale,V1,Sent\n`, 'text/csv'],
    ['a JSON body', JSON.stringify(climbs[0]), 'application/json'],
  ])('refuses %s with 400 and imports nothing', async (_name, body, type) => {
    const { token } = await h.signup();
    const response = await importCsv(token, body, type);
    expect(response.status).toBe(400);
    expect(errorBodySchema.parse(await response.json()).error.code).toBe('validation_failed');
    expect((await exportJson(token)).climbs).toEqual([]);
  });

  it('takes an import larger than other bodies, up to 5,000 rows', async () => {
    const { token } = await h.signup();
    const row = `Gym,boulder,v_scale,V3,Sent,${'x'.repeat(100)}\n`;
    const big = await importCsv(token, `${HEADER},notes\n${row.repeat(1500)}`);
    expect(big.status).toBe(200);
    expect(importReportSchema.parse(await big.json())).toEqual({ imported: 1500, refused: [] });

    const tooMany = await importCsv(token, `${HEADER}\n${'Gym,boulder,v_scale,V3,Sent\n'.repeat(5001)}`);
    expect(tooMany.status).toBe(413);
    expect(errorBodySchema.parse(await tooMany.json()).error.code).toBe('payload_too_large');
    const tooBig = await importCsv(token, `${HEADER},notes\n${row.repeat(21_000)}`);
    expect(tooBig.status).toBe(413);
    expect((await exportJson(token)).climbs).toHaveLength(1500);
  });

  it('refuses an unknown format, and both routes need a token', async () => {
    const { token } = await h.signup();
    const bad = await exportAs(token, 'xlsx');
    expect(bad.status).toBe(400);
    expect(errorBodySchema.parse(await bad.json()).error.code).toBe('validation_failed');
    expect((await h.request('/v1/climbs/export')).status).toBe(401);
    expect((await h.request('/v1/climbs/import', { method: 'POST', body: `${HEADER}\n` })).status).toBe(401);
  });
});
