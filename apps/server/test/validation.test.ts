import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

describe('bad input gets a clear 4xx JSON error and changes nothing', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness();
    ({ token } = await h.signup());
  });
  afterAll(() => h.close());

  const chatBodies: Array<[string, string]> = [
    ['not JSON', '{"message": "hi"'],
    ['empty body', ''],
    ['a JSON array', '["hi"]'],
    ['JSON null', 'null'],
    ['a number', '42'],
    ['a missing message', '{}'],
    ['a message that is not a string', '{"message": 12}'],
    ['an empty message', '{"message": "   "}'],
    ['a message over 5000 characters', JSON.stringify({ message: 'a'.repeat(5001) })],
    ['an unknown field', '{"message": "hi", "model": "openai/gpt-4o"}'],
  ];

  it.each(chatBodies)('POST /v1/chat with %s → 400', async (_name, body) => {
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: { code: string; message: string } };
    expect(['invalid_json', 'validation_failed']).toContain(json.error.code);
    expect(json.error.message.length).toBeGreaterThan(5);
  });

  it('names the unknown field', async () => {
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'hi', temperature: 2 },
    });
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      'temperature',
    );
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'x'.repeat(100_000) },
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('counts a chunked body (no Content-Length) against the same limit as it arrives', async () => {
    const chunked = (text: string) => ({
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: new Blob([text]).stream(),
      duplex: 'half' as const,
    });
    const over = await h.request('/v1/chat', chunked(JSON.stringify({ message: 'x'.repeat(100_000) })));
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    // Under the limit, the body is read and validated as any other.
    const under = await h.request('/v1/chat', chunked('{"message": 12}'));
    expect(under.status).toBe(400);
    expect(await under.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it.each([
    ['/v1/auth/signup', '{"email": "a@b.co"}'],
    ['/v1/auth/signup', '{"email": "not-an-email", "password": "long enough"}'],
    ['/v1/auth/login', '{"email": "a@b.co", "password": "long enough", "admin": true}'],
    ['/v1/auth/login', '[]'],
  ])('POST %s with %s → 400', async (path, body) => {
    const response = await h.request(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
  });

  it.each([
    '/v1/usage/records?limit=abc',
    '/v1/usage/records?limit=0',
    '/v1/usage/records?limit=5&extra=1',
    '/v1/chat/messages?limit=-3',
    '/v1/usage?group_by=planet',
    '/v1/usage?from=yesterday',
  ])('GET %s → 400', async (path) => {
    const response = await h.request(path, { token });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('answers unknown routes with 404 JSON', async () => {
    const response = await h.request('/v1/nope', { token });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('changed nothing: no upstream call, no ledger row, no message', async () => {
    expect(h.simulator.received).toHaveLength(0);
    expect(await h.records(token)).toHaveLength(0);
    const messages = (await (await h.request('/v1/chat/messages', { token })).json()) as {
      messages: unknown[];
    };
    expect(messages.messages).toHaveLength(0);
  });

  it('reports health, the model and metrics', async () => {
    const health = await h.request('/healthz');
    expect(await health.json()).toEqual({ status: 'ok', db: h.dbKind, model: 'google/gemini-2.5-pro' });
    const model = (await (await h.request('/v1/model')).json()) as {
      model: string;
      pricing: Record<string, string>;
    };
    expect(model.model).toBe('google/gemini-2.5-pro');
    expect(model.pricing.prompt).toBe('0.00000125');
    const metrics = await (await h.request('/metrics')).text();
    expect(metrics).toContain('crux_http_requests_total');
  });
});
