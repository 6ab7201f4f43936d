import { profileSchema } from '@crux/contracts';
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

const put = (token: string, json: unknown) => h.request('/v1/profile', { method: 'PUT', token, json });

describe('profile: happy path', () => {
  it('GET answers an empty profile for a new climber', async () => {
    const { token } = await h.user();
    const response = await h.request('/v1/profile', { token });
    expect(response.status).toBe(200);
    expect(profileSchema.parse(await response.json())).toEqual({
      preferred_discipline: null,
      preferred_grade_scale: null,
      home_gym: null,
      climbing_context: '',
      hold_colors: [],
    });
  });

  it('PUT changes the fields sent, keeps the others, clears a null, and GET reads it back', async () => {
    const { token } = await h.user();
    const first = await put(token, {
      preferred_discipline: 'boulder',
      preferred_grade_scale: 'font',
      home_gym: 'Arkose',
      hold_colors: ['Blue', 'Pink'],
    });
    expect(first.status).toBe(200);
    profileSchema.parse(await first.json());

    const second = await put(token, { home_gym: null, climbing_context: 'Knee injury, no heel hooks.' });
    const expected = {
      preferred_discipline: 'boulder',
      preferred_grade_scale: 'font',
      home_gym: null,
      climbing_context: 'Knee injury, no heel hooks.',
      hold_colors: ['Blue', 'Pink'],
    };
    expect(profileSchema.parse(await second.json())).toEqual(expected);
    expect(await (await h.request('/v1/profile', { token })).json()).toEqual(expected);
  });

  it('PUT takes climbing_context of exactly 2000 characters', async () => {
    const { token } = await h.user();
    const response = await put(token, { climbing_context: 'x'.repeat(2000) });
    expect(response.status).toBe(200);
    expect(profileSchema.parse(await response.json()).climbing_context).toHaveLength(2000);
  });
});

describe('profile: errors', () => {
  it.each([
    ['climbing_context over 2000 characters', { climbing_context: 'x'.repeat(2001) }, 'climbing_context'],
    ['an unknown discipline', { preferred_discipline: 'trad' }, 'preferred_discipline'],
    ['a repeated hold colour', { hold_colors: ['Blue', 'blue'] }, 'hold_colors'],
    ['an unknown field', { nickname: 'Crimpy' }, ''],
  ])('PUT refuses %s with 400 validation_failed naming the field', async (_name, body, path) => {
    const { token } = await h.user();
    const error = await expectError(await put(token, body), 400, 'validation_failed');
    expect(error.error.details?.map((d) => d.path)).toContain(path);
  });

  it('PUT refuses a body that is not JSON with 400 invalid_json', async () => {
    const { token } = await h.user();
    const response = await h.request('/v1/profile', {
      method: 'PUT',
      token,
      body: 'home_gym=Arkose',
      headers: { 'content-type': 'application/json' },
    });
    await expectError(response, 400, 'invalid_json');
  });

  it('PUT refuses a body over 64 KB with 413', async () => {
    const { token } = await h.user();
    await expectError(await put(token, { home_gym: 'x'.repeat(70_000) }), 413, 'payload_too_large');
  });

  it('a failed PUT changes nothing', async () => {
    const { token } = await h.user();
    await put(token, { home_gym: 'Arkose' });
    await put(token, { home_gym: 'Elsewhere', preferred_discipline: 'trad' });
    expect(profileSchema.parse(await (await h.request('/v1/profile', { token })).json()).home_gym).toBe(
      'Arkose',
    );
  });
});

describe('profile: access', () => {
  it('GET and PUT answer 401 without a valid token', async () => {
    await expectAuthRequired(h, 'GET', '/v1/profile');
    await expectAuthRequired(h, 'PUT', '/v1/profile', { home_gym: 'Arkose' });
  });

  it('each climber reads and writes only their own profile', async () => {
    const alex = await h.user();
    const sam = await h.user();
    await put(alex.token, { home_gym: 'Arkose', hold_colors: ['Blue'] });
    const samsProfile = profileSchema.parse(
      await (await h.request('/v1/profile', { token: sam.token })).json(),
    );
    expect(samsProfile).toMatchObject({ home_gym: null, hold_colors: [] });
  });
});
