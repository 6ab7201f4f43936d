import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config/env.ts';
import { type Harness, startHarness, TEST_JWT_SECRET } from './support/harness.ts';
import { readChat } from './support/sse.ts';

const APP = 'https://climb.example.com';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { CORS_ORIGINS: `${APP}, http://localhost:5173` } });
});
afterAll(() => h.close());

describe('CORS_ORIGINS', () => {
  it('answers a preflight from an allowed origin with the headers a browser needs', async () => {
    const response = await h.request('/v1/chat', {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('lets an allowed origin read responses and the Retry-After header', async () => {
    const { token } = await h.signup();
    const response = await h.request('/v1/profile', { token, headers: { origin: 'http://localhost:5173' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(response.headers.get('access-control-expose-headers')).toContain('retry-after');
  });

  it('sends a chat stream with the CORS grant, Vary: Origin and X-Request-Id', async () => {
    const { token } = await h.signup();
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'how do I rest between attempts?' },
      headers: { origin: APP },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(response.headers.get('vary')).toContain('Origin');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(await readChat(response)).toMatchObject({ done: true, text: expect.stringContaining('coach') });
  });

  it('gives any other origin no CORS grant', async () => {
    const response = await h.request('/v1/model', { headers: { origin: 'https://evil.example.com' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an origin with a path or no scheme at start, naming the variable', () => {
    const base = {
      OPENROUTER_MODEL: 'google/gemini-2.5-pro',
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      OPENROUTER_BASE_URL: 'http://127.0.0.1:1',
    };
    for (const bad of ['climb.example.com', 'https://climb.example.com/app']) {
      expect(() => parseConfig({ ...base, CORS_ORIGINS: bad })).toThrow(ConfigError);
      expect(() => parseConfig({ ...base, CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
    expect(parseConfig(base).corsOrigins).toEqual([]);
  });
});
