import { climbListSchema, climbSchema, logbookExportSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAuthRequired,
  expectError,
  type InProcessApp,
  startInProcessApp,
} from '../../../test/support/in-process.ts';

let h: InProcessApp;
beforeAll(async () => {
  h = await startInProcessApp();
});
afterAll(() => h?.close());

const aClimb = {
  location: 'Secret Crag',
  climb_type: 'sport',
  grade_scale: 'font',
  grade_value: '7a',
  outcome: 'Fail',
};
const ID = '0b7f0a86-8e0c-4c9e-9a59-2f3c4d5e6f70';

describe('climbs: access', () => {
  it.each([
    ['GET', '/v1/vocabulary'],
    ['GET', '/v1/climbs'],
    ['POST', '/v1/climbs', aClimb],
    ['GET', `/v1/climbs/${ID}`],
    ['PATCH', `/v1/climbs/${ID}`, { notes: 'x' }],
    ['DELETE', `/v1/climbs/${ID}`],
    ['GET', '/v1/climbs/export'],
  ])('%s %s answers 401 without a valid token', async (method, path, body?: unknown) => {
    await expectAuthRequired(h, method, path, body);
  });

  it('POST /v1/climbs/import answers 401 without a valid token, importing nothing', async () => {
    const response = await h.request('/v1/climbs/import', {
      method: 'POST',
      body: 'location,climb_type,grade_scale,grade_value,outcome\nGym,boulder,font,6a,Sent\n',
      headers: { 'content-type': 'text/csv' },
    });
    await expectError(response, 401, 'unauthorized');
    expect((await h.db.query('select count(*)::int as n from climbs'))[0]).toEqual({ n: 0 });
  });

  it("another climber's climb is not found: GET, PATCH and DELETE answer 404 and change nothing", async () => {
    const owner = await h.user();
    const other = await h.user();
    const climb = climbSchema.parse(
      await (await h.request('/v1/climbs', { method: 'POST', token: owner.token, json: aClimb })).json(),
    );
    const path = `/v1/climbs/${climb.id}`;
    await expectError(await h.request(path, { token: other.token }), 404, 'not_found');
    await expectError(
      await h.request(path, { method: 'PATCH', token: other.token, json: { outcome: 'Sent' } }),
      404,
      'not_found',
    );
    await expectError(await h.request(path, { method: 'DELETE', token: other.token }), 404, 'not_found');
    expect(climbSchema.parse(await (await h.request(path, { token: owner.token })).json())).toEqual(climb);
  });

  it("another climber's climbs are in neither their list nor their export", async () => {
    const owner = await h.user();
    const other = await h.user();
    await h.request('/v1/climbs', { method: 'POST', token: owner.token, json: aClimb });
    const list = climbListSchema.parse(await (await h.request('/v1/climbs', { token: other.token })).json());
    expect(list.climbs).toEqual([]);
    const exported = await h.request('/v1/climbs/export?format=json', { token: other.token });
    expect(logbookExportSchema.parse(await exported.json()).climbs).toEqual([]);
    const csv = await (await h.request('/v1/climbs/export?format=csv', { token: other.token })).text();
    expect(csv).not.toContain('Secret Crag');
  });

  it("a cursor from one climber's list pages nobody else's climbs", async () => {
    const owner = await h.user();
    const other = await h.user();
    for (let i = 0; i < 3; i++)
      await h.request('/v1/climbs', { method: 'POST', token: owner.token, json: aClimb });
    const page = climbListSchema.parse(
      await (await h.request('/v1/climbs?limit=1', { token: owner.token })).json(),
    );
    const response = await h.request(`/v1/climbs?before=${page.next_before}`, { token: other.token });
    expect(response.status).toBe(200);
    expect(climbListSchema.parse(await response.json()).climbs).toEqual([]);
  });

  it('an Idempotency-Key belongs to one climber: the same key from another logs their own climb', async () => {
    const owner = await h.user();
    const other = await h.user();
    const headers = { 'idempotency-key': 'shared-key' };
    const send = (token: string) => h.request('/v1/climbs', { method: 'POST', token, json: aClimb, headers });
    const mine = climbSchema.parse(await (await send(owner.token)).json());
    const theirs = await send(other.token);
    expect(theirs.status).toBe(201);
    expect(climbSchema.parse(await theirs.json()).id).not.toBe(mine.id);
  });
});
