import { chatMessagesSchema, chatUsageEventSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

const history = async (token: string, query = '') => {
  const response = await h.request(`/v1/chat/messages${query}`, { token });
  expect(response.status).toBe(200);
  return chatMessagesSchema.parse(await response.json()).messages;
};

describe('chat: happy path', () => {
  it('POST /v1/chat streams deltas, then the usage with the exact cost, then [DONE]', async () => {
    const { token } = await h.user();
    h.simulator.enqueue({ content: 'Trust your feet on slab.', cost: '0.0000321' });
    const reply = await h.chat(token, 'How do I stand on slab?');
    expect(reply).toMatchObject({ status: 200, done: true, text: 'Trust your feet on slab.' });
    const usage = chatUsageEventSchema.parse(reply.events.at(-1));
    expect(usage).toMatchObject({ cost_usd: '0.0000321', model: expect.any(String) });
    expect(reply.events.slice(0, -1).every((event) => event.type === 'delta')).toBe(true);
  });

  it('GET /v1/chat/messages answers the turns oldest first; ?limit keeps the newest; DELETE clears them', async () => {
    const { token } = await h.user();
    h.simulator.enqueue({ content: 'Rest three minutes.' });
    await h.chat(token, 'How long should I rest?');
    await h.settled();
    const messages = await history(token);
    expect(messages.map(({ role, content }) => ({ role, content }))).toEqual([
      { role: 'user', content: 'How long should I rest?' },
      { role: 'assistant', content: 'Rest three minutes.' },
    ]);
    expect((await history(token, '?limit=1')).map((m) => m.role)).toEqual(['assistant']);

    const cleared = await h.request('/v1/chat/messages', { method: 'DELETE', token });
    expect(cleared.status).toBe(204);
    expect(await history(token)).toEqual([]);
  });

  it('replays a repeated Idempotency-Key as the same stream without a second upstream call', async () => {
    const { token } = await h.user();
    const headers = { 'idempotency-key': 'chat-once' };
    const first = await h.chat(token, 'Hangboard twice a week?', headers);
    const calls = h.simulator.received.length;
    const again = await h.chat(token, 'Hangboard twice a week?', headers);
    expect(again).toMatchObject({ status: 200, done: true, text: first.text });
    expect(h.simulator.received).toHaveLength(calls);
  });
});

describe('chat: errors', () => {
  it.each([
    ['no message', {}, 'message'],
    ['an empty message', { message: '   ' }, 'message'],
    ['a message over 5000 characters', { message: 'x'.repeat(5001) }, 'message'],
    ['an unknown field', { message: 'hi', model: 'openai/gpt-4o' }, ''],
  ])('POST refuses %s with 400 before any upstream call', async (_name, json, path) => {
    const { token } = await h.user();
    const calls = h.simulator.received.length;
    const error = await expectError(
      await h.request('/v1/chat', { method: 'POST', token, json }),
      400,
      'validation_failed',
    );
    expect(error.error.details?.map((d) => d.path)).toContain(path);
    expect(h.simulator.received).toHaveLength(calls);
  });

  it('POST refuses a body that is not JSON with 400 invalid_json', async () => {
    const { token } = await h.user();
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      body: 'message=hi',
      headers: { 'content-type': 'application/json' },
    });
    await expectError(response, 400, 'invalid_json');
  });

  it('POST refuses a body over 64 KB with 413', async () => {
    const { token } = await h.user();
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'x'.repeat(70_000) },
    });
    await expectError(response, 413, 'payload_too_large');
  });

  it('POST refuses a malformed Idempotency-Key with 400, and one key for another message with 409', async () => {
    const { token } = await h.user();
    const bad = await h.chat(token, 'hi', { 'idempotency-key': 'with space' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    await h.chat(token, 'first', { 'idempotency-key': 'k1' });
    const conflict = await h.chat(token, 'second', { 'idempotency-key': 'k1' });
    expect(conflict).toMatchObject({ status: 409, body: { error: { code: 'idempotency_conflict' } } });
  });

  it('POST answers an upstream refusal before streaming as a JSON error', async () => {
    const { token } = await h.user();
    h.simulator.enqueue({ status: 503 });
    const reply = await h.chat(token, 'Are you there?');
    expect(reply).toMatchObject({ status: 503, body: { error: { code: 'upstream_unavailable' } } });
  });

  it('POST reports a stream that fails midway as an error event, then [DONE]', async () => {
    const { token } = await h.user();
    h.simulator.enqueue({ failAfterChunks: 1 });
    const reply = await h.chat(token, 'Tell me a long story', { 'x-request-id': 'support-ticket-42' });
    expect(reply.status).toBe(200);
    expect(reply.done).toBe(true);
    // The error names the request, as every error body does, so a climber's report finds its log lines.
    expect(reply.events.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'upstream_error', request_id: 'support-ticket-42' },
    });
  });

  it('POST stops the upstream when the client cancels the stream, and settles the turn as aborted', async () => {
    const { token, userId } = await h.user();
    h.simulator.enqueue({ chunkDelayMs: 30 });
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'Long answer?' },
    });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"type":"delta"');
    await reader.cancel();
    await vi.waitFor(async () => {
      await h.settled();
      const rows = await h.db.query<{ status: string; error_code: string | null }>(
        'select status, error_code from api_usage where user_id = $1',
        [userId],
      );
      expect(rows).toEqual([{ status: 'aborted', error_code: 'client_disconnected' }]);
    });
  });

  it.each(['limit=0', 'limit=201', 'before=yesterday'])(
    'GET /v1/chat/messages?%s answers 400',
    async (query) => {
      const { token } = await h.user();
      await expectError(await h.request(`/v1/chat/messages?${query}`, { token }), 400, 'validation_failed');
    },
  );
});

describe('chat: access', () => {
  it.each([
    ['POST', '/v1/chat', { message: 'hi' }],
    ['GET', '/v1/chat/messages'],
    ['DELETE', '/v1/chat/messages'],
  ])('%s %s answers 401 without a valid token, calling no upstream', async (method, path, body?: unknown) => {
    const calls = h.simulator.received.length;
    await expectAuthRequired(h, method, path, body);
    expect(h.simulator.received).toHaveLength(calls);
  });

  it("one climber's history is invisible to another, and another's DELETE leaves it", async () => {
    const owner = await h.user();
    const other = await h.user();
    await h.chat(owner.token, 'My project is at Secret Crag');
    await h.settled();
    expect(await history(other.token)).toEqual([]);
    expect((await h.request('/v1/chat/messages', { method: 'DELETE', token: other.token })).status).toBe(204);
    expect(await history(owner.token)).toHaveLength(2);
  });
});
