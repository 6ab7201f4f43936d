import { randomUUID } from 'node:crypto';
import { climbListSchema, climbSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, type InProcessApp, startInProcessApp } from '../../../test/support/in-process.ts';

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
  grade_value: 'V4',
  outcome: 'Fail',
};
const post = (json: unknown, headers: Record<string, string> = {}) =>
  h.request('/v1/climbs', { method: 'POST', token, json, headers });
const fieldsOf = (error: { error: { details?: Array<{ path: string }> | undefined } }) =>
  error.error.details?.map((detail) => detail.path);

describe('POST /v1/climbs: errors', () => {
  it.each([
    ['a missing location', { ...aClimb, location: undefined }, 'location'],
    ['an unknown climb type', { ...aClimb, climb_type: 'trad' }, 'climb_type'],
    ['a lowercase outcome', { ...aClimb, outcome: 'sent' }, 'outcome'],
    ['awkwardness out of 1-5', { ...aClimb, awkwardness: 6 }, 'awkwardness'],
    ['a repeated style', { ...aClimb, style: ['Slab', 'Slab'] }, 'style'],
    ['an unknown failure reason', { ...aClimb, failure_reasons: ['Tired'] }, 'failure_reasons.0'],
    ['notes over 2000 characters', { ...aClimb, notes: 'x'.repeat(2001) }, 'notes'],
    ['a created_at that is not a date-time', { ...aClimb, created_at: 'yesterday' }, 'created_at'],
    ['an unknown field', { ...aClimb, grade: 'V4' }, ''],
  ])('refuses %s with 400 validation_failed naming the field', async (_name, body, path) => {
    expect(fieldsOf(await expectError(await post(body), 400, 'validation_failed'))).toContain(path);
  });

  it('refuses a grade that is not of its scale with 400, listing the scale', async () => {
    const error = await expectError(await post({ ...aClimb, grade_value: '7a' }), 400, 'validation_failed');
    expect(error.error.message).toMatch(/"7a" is not a v_scale grade; use one of: VB, V0/);
  });

  it('refuses a body that is not JSON with 400 invalid_json', async () => {
    const response = await h.request('/v1/climbs', {
      method: 'POST',
      token,
      body: 'location=The Arch',
      headers: { 'content-type': 'application/json' },
    });
    await expectError(response, 400, 'invalid_json');
  });

  it('refuses a body over 64 KB with 413', async () => {
    await expectError(await post({ ...aClimb, notes: 'x'.repeat(70_000) }), 413, 'payload_too_large');
  });

  it('refuses a malformed Idempotency-Key with 400', async () => {
    await expectError(await post(aClimb, { 'idempotency-key': 'x'.repeat(201) }), 400, 'validation_failed');
  });

  it('refuses one Idempotency-Key for a different climb with 409, inserting nothing', async () => {
    const { token: own } = await h.user();
    const headers = { 'idempotency-key': randomUUID() };
    const send = (json: unknown) => h.request('/v1/climbs', { method: 'POST', token: own, json, headers });
    expect((await send(aClimb)).status).toBe(201);
    await expectError(await send({ ...aClimb, outcome: 'Sent' }), 409, 'idempotency_conflict');
    const list = climbListSchema.parse(await (await h.request('/v1/climbs', { token: own })).json());
    expect(list.climbs.map((climb) => climb.outcome)).toEqual(['Fail']);
  });
});

describe('GET /v1/climbs: errors', () => {
  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
    ['outcome=sent', 'outcome'],
    ['climb_type=trad', 'climb_type'],
    ['grade=V4', ''],
  ])('refuses ?%s with 400 validation_failed', async (query, path) => {
    const response = await h.request(`/v1/climbs?${query}`, { token });
    expect(fieldsOf(await expectError(response, 400, 'validation_failed'))).toContain(path);
  });

  it.each([
    ['a timestamp', '2026-10-03T10:00:00.000Z'],
    ['garbage', 'yesterday'],
    ['a cursor with its id cut off', Buffer.from('2026-10-03T10:00:00.000000Z|1234').toString('base64url')],
  ])('refuses %s for a cursor with 400', async (_name, before) => {
    const response = await h.request(`/v1/climbs?before=${encodeURIComponent(before)}`, { token });
    const error = await expectError(response, 400, 'validation_failed');
    expect(error.error.message).toContain('next_before');
  });
});

describe('/v1/climbs/:id: errors', () => {
  it.each(['GET', 'DELETE'])(
    '%s answers 404 for an unknown id and for one that is not a UUID',
    async (method) => {
      await expectError(await h.request(`/v1/climbs/${randomUUID()}`, { method, token }), 404, 'not_found');
      await expectError(await h.request('/v1/climbs/42', { method, token }), 404, 'not_found');
    },
  );

  it('PATCH answers 404 for an unknown id', async () => {
    const response = await h.request(`/v1/climbs/${randomUUID()}`, {
      method: 'PATCH',
      token,
      json: { notes: 'x' },
    });
    await expectError(response, 404, 'not_found');
  });

  it.each([
    ['an empty patch', {}],
    ['an unknown field', { grade: 'V5' }],
    ['a null location', { location: null }],
  ])('PATCH refuses %s with 400 and leaves the climb as it was', async (_name, patch) => {
    const climb = climbSchema.parse(await (await post(aClimb)).json());
    const response = await h.request(`/v1/climbs/${climb.id}`, { method: 'PATCH', token, json: patch });
    await expectError(response, 400, 'validation_failed');
    expect(await (await h.request(`/v1/climbs/${climb.id}`, { token })).json()).toEqual(climb);
  });

  it('PATCH refuses a grade of another scale with 400', async () => {
    const climb = climbSchema.parse(await (await post(aClimb)).json());
    const response = await h.request(`/v1/climbs/${climb.id}`, {
      method: 'PATCH',
      token,
      json: { grade_scale: 'font' },
    });
    await expectError(response, 400, 'validation_failed');
  });
});

describe('export and import: errors', () => {
  it('export refuses an unknown format with 400', async () => {
    await expectError(await h.request('/v1/climbs/export?format=xlsx', { token }), 400, 'validation_failed');
  });

  it('import refuses a body that is not text/csv with 400', async () => {
    const response = await h.request('/v1/climbs/import', { method: 'POST', token, json: [aClimb] });
    await expectError(response, 400, 'validation_failed');
  });

  it('import refuses a CSV over 2 MB with 413 and closes the connection', async () => {
    const row = 'Gym,boulder,font,6a,Sent\n';
    const response = await h.request('/v1/climbs/import', {
      method: 'POST',
      token,
      body: `location,climb_type,grade_scale,grade_value,outcome\n${row.repeat(90_000)}`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.headers.get('connection')).toBe('close');
    await expectError(response, 413, 'payload_too_large');
  });

  it('import refuses a CSV without the required columns with 400, importing nothing', async () => {
    const { token: own } = await h.user();
    const response = await h.request('/v1/climbs/import', {
      method: 'POST',
      token: own,
      body: 'location,outcome\nGym,Sent\n',
      headers: { 'content-type': 'text/csv' },
    });
    await expectError(response, 400, 'validation_failed');
    expect(await (await h.request('/v1/climbs', { token: own })).json()).toEqual({ climbs: [] });
  });
});
