import { errorBodySchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';
import { readChat } from './support/sse.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', { timeout: 60_000 }, () => {
  let h: Harness;
  const log: string[] = [];
  beforeAll(async () => {
    h = await startHarness({ server: { log: (line) => log.push(line) } });
  });
  afterAll(() => h.close());

  it('takes a safe X-Request-Id from the client and returns it, in the error body and the access log', async () => {
    const response = await h.request('/v1/profile', { headers: { 'x-request-id': 'support-ticket-4711' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe('support-ticket-4711');
    expect(await response.json()).toEqual({
      error: { code: 'unauthorized', message: expect.any(String), request_id: 'support-ticket-4711' },
    });
    expect(log).toContainEqual(
      expect.stringMatching(/^GET \/v1\/profile 401 .* request_id=support-ticket-4711$/),
    );
  });

  it.each([
    ['unsafe characters', 'abc def<script>'],
    ['more than 64 characters', 'x'.repeat(65)],
  ])('replaces an id with %s by a new one', async (_what, id) => {
    const response = await h.request('/healthz', { headers: { 'x-request-id': id } });
    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });

  it('generates one for every response, success or error, and puts it in every error body', async () => {
    const { token } = await h.signup();
    const ok = await h.request('/v1/profile', { token });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toMatch(UUID);

    const errors = [
      await h.request('/v1/nowhere', { token }),
      await h.request('/v1/climbs', { method: 'POST', token, json: { location: 'x' } }),
      await h.request('/v1/climbs', {
        method: 'POST',
        token,
        body: '{',
        headers: { 'content-type': 'application/json' },
      }),
      await h.request('/v1/climbs', { method: 'POST', token, json: { notes: 'x'.repeat(70_000) } }),
    ];
    expect(errors.map((r) => r.status)).toEqual([404, 400, 400, 413]);
    for (const response of errors) {
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(UUID);
      const body = errorBodySchema.parse(await response.json());
      expect(body.error.request_id).toBe(id);
      expect(log.some((line) => line.endsWith(`request_id=${id}`))).toBe(true);
    }
  });

  it('sends a chat stream with its X-Request-Id, logs it as 200 and puts the id in its error event', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ failAfterChunks: 2 });
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'tell me about heel hooks' },
      headers: { 'x-request-id': 'stream-4712' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('stream-4712');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const chat = await readChat(response);
    expect(chat.done).toBe(true);
    expect(chat.events.at(-1)).toMatchObject({ type: 'error', error: { request_id: 'stream-4712' } });
    expect(log).toContainEqual(expect.stringMatching(/^POST \/v1\/chat 200 .* request_id=stream-4712$/));
  });
});
