import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'x\uD800y';
/** Years Postgres cannot store (or that JavaScript cannot even represent). */
const EXTREME_DATES = [
  '300000-01-01T00:00:00Z',
  '+300000-01-01T00:00:00Z',
  '-005000-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:59:59+01:00',
];

const climb = {
  location: 'Gym',
  climb_type: 'boulder',
  grade_scale: 'v_scale',
  grade_value: 'V4',
  outcome: 'Fail',
};

describe('text and dates the database cannot store are refused with 400 before any write', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness({ env: { DAILY_CHAT_LIMIT: '3' } });
    ({ token } = await h.signup());
  });
  afterAll(() => h.close());

  const send = (method: string, path: string, body: string) =>
    fetch(`${h.url}${path}`, {
      method,
      body,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  const expectRefused = async (response: Response) => {
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'validation_failed' } });
  };

  it.each([
    ['a NUL byte', NUL],
    ['an unpaired surrogate', LONE_SURROGATE],
  ])('a chat message with %s spends no quota and leaves no row', async (_name, bad) => {
    await expectRefused(await send('POST', '/v1/chat', JSON.stringify({ message: `hi ${bad}` })));
    // Written as JSON escapes, the way a client would send them.
    await expectRefused(await send('POST', '/v1/chat', '{"message": "hi \\u0000 there"}'));
    const limits = (await (await h.request('/v1/usage/limits', { token })).json()) as {
      chat: { used: number };
    };
    expect(limits.chat.used).toBe(0);
    expect(await h.records(token)).toEqual([]);
    expect(h.simulator.received).toHaveLength(0);
  });

  it.each([
    ['location', NUL],
    ['grade_value', NUL],
    ['notes', NUL],
    ['hold_color', LONE_SURROGATE],
    ['created_at', EXTREME_DATES[0]],
    ['created_at', EXTREME_DATES[2]],
    ['created_at', EXTREME_DATES[3]],
    ['redemption_at', EXTREME_DATES[1]],
    ['redemption_at', EXTREME_DATES[4]],
  ])('POST /v1/climbs with a bad %s → 400', async (field, value) => {
    await expectRefused(await send('POST', '/v1/climbs', JSON.stringify({ ...climb, [field]: value })));
  });

  it('refuses a NUL in a field name, nested values and PATCH/PUT bodies alike', async () => {
    await expectRefused(await send('POST', '/v1/climbs', JSON.stringify({ ...climb, [NUL]: 1 })));
    await expectRefused(await send('POST', '/v1/climbs', JSON.stringify({ ...climb, style: [NUL] })));
    const created = await send('POST', '/v1/climbs', JSON.stringify(climb));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    for (const patch of [
      { notes: NUL },
      { created_at: '0000-06-01T00:00:00Z' },
      { redemption_at: '+300000' },
    ])
      await expectRefused(await send('PATCH', `/v1/climbs/${id}`, JSON.stringify(patch)));
    for (const update of [{ home_gym: NUL }, { climbing_context: NUL }, { hold_colors: ['red', NUL] }])
      await expectRefused(await send('PUT', '/v1/profile', JSON.stringify(update)));
    const list = (await (await h.request('/v1/climbs', { token })).json()) as {
      climbs: Array<{ notes: string }>;
    };
    expect(list.climbs.map((c) => c.notes)).toEqual(['']);
  });

  it('reports a CSV row with a NUL or a year-0 date as refused, importing the rest', async () => {
    const csv = [
      'location,climb_type,grade_scale,grade_value,outcome,notes,created_at',
      'Gym,boulder,v_scale,V2,Sent,fine,2026-09-01T10:00:00Z',
      `Gym,boulder,v_scale,V2,Sent,${NUL},2026-09-01T10:00:00Z`,
      'Gym,boulder,v_scale,V2,Sent,old,0000-09-01T10:00:00Z',
    ].join('\n');
    const { token: importer } = await h.signup();
    const response = await h.request('/v1/climbs/import', {
      method: 'POST',
      token: importer,
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { imported: number; refused: Array<{ row: number }> };
    expect(report.imported).toBe(1);
    expect(report.refused.map((r) => r.row)).toEqual([3, 4]);
  });

  it.each([
    `/v1/climbs?before=${encodeURIComponent(EXTREME_DATES[3]!)}`,
    `/v1/climbs?before=${encodeURIComponent(EXTREME_DATES[0]!)}`,
    '/v1/climbs?before=a%00b',
    '/v1/usage?from=0000-01-01',
    '/v1/usage?to=300000-01-01',
    '/v1/usage/records?from=0000-01-01',
    `/v1/usage/records?before=${Buffer.from('0000-01-01T00:00:00.000000Z|00000000-0000-0000-0000-000000000000').toString('base64url')}`,
    `/v1/usage/records?before=${Buffer.from('2026-13-45T00:00:00.000000Z|00000000-0000-0000-0000-000000000000').toString('base64url')}`,
    '/v1/chat/messages?limit=1%00',
  ])('GET %s → 400', async (path) => {
    await expectRefused(await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${token}` } }));
  });

  it('accepts the edges of the range', async () => {
    for (const created_at of ['0001-01-01T00:00:00Z', '2026-01-01T00:00:00+14:00'])
      expect((await send('POST', '/v1/climbs', JSON.stringify({ ...climb, created_at }))).status).toBe(201);
    expect((await h.request('/v1/usage?from=0001-01-01&to=9999-12-31', { token })).status).toBe(200);
  });
});

describe('unknown routes', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness();
    ({ token } = await h.signup());
  });
  afterAll(() => h.close());

  it.each([
    ['GET', '/v1/nope'],
    ['POST', '/v1/nope/deeper'],
    ['PUT', '/v1/climbs'],
    ['POST', '/v1/usage'],
    ['POST', '/nothing-here'],
  ])('%s %s answers 404 JSON with or without a token', async (method, path) => {
    for (const headers of [{}, { authorization: `Bearer ${token}` }, { authorization: 'Bearer forged' }]) {
      const response = await fetch(`${h.url}${path}`, { method, headers });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('still asks for a token on a real route', async () => {
    const response = await fetch(`${h.url}/v1/climbs`);
    expect(response.status).toBe(401);
  });
});
