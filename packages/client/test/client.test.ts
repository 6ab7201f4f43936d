import { randomUUID } from 'node:crypto';
import { chatEventSchema, climbSchema, generatedRecommendationSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../../apps/server/test/support/harness.ts';
import {
  type ChatEvent,
  CruxApiError,
  type CruxClient,
  createCruxClient,
  type NewClimbInput,
} from '../src/index.ts';

let h: Harness;
let anonymous: CruxClient;

beforeAll(async () => {
  h = await startHarness();
  anonymous = createCruxClient({ baseUrl: h.url });
});
afterAll(() => h.close());

async function signedIn(): Promise<CruxClient> {
  const session = await anonymous.auth.signup({
    email: `sdk-${randomUUID()}@example.com`,
    password: 'correct horse battery',
  });
  return anonymous.withToken(session.token);
}

const climb = {
  location: 'The Arch',
  climb_type: 'boulder',
  grade_scale: 'v_scale',
  grade_value: 'V4',
  outcome: 'Fail',
  style: ['Slab'],
  failure_reasons: ['Bad Feet'],
} satisfies NewClimbInput;

describe('the typed client against the real server', () => {
  it('signs up, logs in and reads the profile', async () => {
    const email = `sdk-${randomUUID()}@example.com`;
    const signup = await anonymous.auth.signup({ email, password: 'correct horse battery' });
    const login = await anonymous.auth.login({ email, password: 'correct horse battery' });
    expect(login.user).toEqual(signup.user);
    const crux = anonymous.withToken(login.token);
    const profile = await crux.profile.update({ home_gym: 'The Arch', preferred_discipline: 'boulder' });
    expect(profile).toMatchObject({
      home_gym: 'The Arch',
      preferred_discipline: 'boulder',
    });
    expect(await crux.profile.get()).toEqual(profile);
  });

  it('logs, lists, edits and deletes climbs', async () => {
    const crux = await signedIn();
    const created = climbSchema.parse(await crux.climbs.create(climb));
    expect(created).toMatchObject({ grade_value: 'V4', outcome: 'Fail', style: ['Slab'] });
    const sent = await crux.climbs.update(created.id, {
      outcome: 'Sent',
      redemption_at: new Date().toISOString(),
    });
    expect(sent.outcome).toBe('Sent');
    expect((await crux.climbs.list({ limit: 10 })).climbs.map((c) => c.id)).toEqual([created.id]);
    await crux.climbs.delete(created.id);
    const gone = await crux.climbs.get(created.id).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(CruxApiError);
    expect(gone).toMatchObject({ code: 'not_found', status: 404 });
    expect((await crux.vocabulary()).grades.v_scale).toContain('V4');
  });

  it("pages climbs by passing a page's opaque next_before back as before", async () => {
    const crux = await signedIn();
    const at = '2026-10-01T18:00:00Z'; // one timestamp: only the cursor's id tells them apart
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await crux.climbs.create({ ...climb, created_at: at })).id);
    const first = await crux.climbs.list({ limit: 2 });
    expect(first.next_before).toEqual(expect.any(String));
    const second = await crux.climbs.list({ limit: 2, before: first.next_before });
    expect(second.next_before).toBeUndefined();
    expect(new Set([...first.climbs, ...second.climbs].map((c) => c.id))).toEqual(ids);
  });

  it('generates a recommendation with its exact cost, then reads it back as the latest', async () => {
    const crux = await signedIn();
    expect(await crux.coach.latest()).toBeNull();
    const generated = generatedRecommendationSchema.parse(await crux.coach.generate());
    expect(generated.usage.cost_usd).toMatch(/^\d+\.\d+$/);
    expect((await crux.coach.latest())?.recommendation.id).toBe(generated.recommendation.id);
  });

  it('streams a chat answer as typed events; the usage event carries the billed cost as a decimal string', async () => {
    const crux = await signedIn();
    h.simulator.enqueue({ cost: '0.0000004', chunkDelayMs: 5 });
    const events: ChatEvent[] = [];
    for await (const event of crux.chat.stream('How do I stop slipping on slab?')) events.push(event);
    for (const event of events) chatEventSchema.parse(event);
    const usage = events.at(-1);
    expect(usage).toMatchObject({ type: 'usage', cost_usd: '0.0000004' });
    expect(events.filter((e) => e.type === 'delta').length).toBeGreaterThan(1);
    const history = await crux.chat.messages();
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('send() returns the whole text and usage, and an idempotent repeat bills nothing', async () => {
    const crux = await signedIn();
    const key = randomUUID();
    const first = await crux.chat.send('Warm-up ideas?', { idempotencyKey: key });
    const billedBefore = h.simulator.billing.list().length;
    const again = await crux.chat.send('Warm-up ideas?', { idempotencyKey: key });
    expect(again.text).toBe(first.text);
    expect(h.simulator.billing.list().length).toBe(billedBefore);
    const usage = await crux.usage.summary({ group_by: 'endpoint' });
    expect(usage.total.cost_usd).toBe(first.usage.cost_usd);
  });

  it('yields a mid-stream error event, and send() throws it as a CruxApiError', async () => {
    const crux = await signedIn();
    h.simulator.enqueue({ failAfterChunks: 2 }, { failAfterChunks: 2 });
    const events: ChatEvent[] = [];
    for await (const event of crux.chat.stream('Tell me about crimps')) events.push(event);
    expect(events.at(-1)?.type).toBe('error');
    const thrown = await crux.chat.send('And slopers?').catch((error: unknown) => error);
    expect(thrown).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(thrown).toBeInstanceOf(CruxApiError);
    expect((thrown as CruxApiError).requestId).toMatch(/\S/);
  });

  it('aborting through the signal closes the request, and the server still settles the row', async () => {
    const crux = await signedIn();
    h.simulator.enqueue({ chunkDelayMs: 200 });
    const controller = new AbortController();
    const seen: ChatEvent[] = [];
    const reading = (async () => {
      for await (const event of crux.chat.stream('A long answer, please', { signal: controller.signal })) {
        seen.push(event);
        controller.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(1);
    await h.settled();
    await expect
      .poll(async () => (await crux.usage.records()).records[0]?.status, { timeout: 10_000 })
      .toBe('aborted');
  });

  it('maps errors to one class with code, status, message, details and retryAfter', async () => {
    const wrong = await anonymous.auth
      .login({ email: 'nobody@example.com', password: 'x' })
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'invalid_credentials', status: 401 });

    const invalid = await (await signedIn()).climbs
      .create({ ...climb, awkwardness: 9 })
      .catch((e: unknown) => e as CruxApiError);
    expect(invalid).toMatchObject({ code: 'validation_failed', status: 400 });
    expect((invalid as CruxApiError).details?.[0]?.path).toBe('awkwardness');

    let expired = 0;
    const stale = createCruxClient({ baseUrl: h.url, token: 'not-a-jwt', onUnauthorized: () => expired++ });
    await expect(stale.profile.get()).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    expect(expired).toBe(1);

    const offline = createCruxClient({ baseUrl: 'http://127.0.0.1:9' });
    await expect(offline.model()).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });
});
