import { healthSchema, modelInfoSchema, readinessSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, type InProcessApp, startInProcessApp } from '../../../test/support/in-process.ts';

let h: InProcessApp;
beforeAll(async () => {
  h = await startInProcessApp();
});
afterAll(() => h?.close());

describe('operations: happy path', () => {
  it('GET /healthz answers ok with the database kind and the model', async () => {
    const response = await h.request('/healthz');
    expect(response.status).toBe(200);
    expect(healthSchema.parse(await response.json())).toEqual({
      status: 'ok',
      db: 'embedded',
      model: 'google/gemini-2.5-pro',
    });
  });

  it('GET /readyz answers ready when the database answers and the upstream accepts the key', async () => {
    const response = await h.request('/readyz');
    expect(response.status).toBe(200);
    expect(readinessSchema.parse(await response.json())).toEqual({
      status: 'ready',
      database: { ok: true },
      upstream: { ok: true },
    });
  });

  it('GET /v1/model answers the configured model with its catalog pricing', async () => {
    const response = await h.request('/v1/model');
    expect(response.status).toBe(200);
    const info = modelInfoSchema.parse(await response.json());
    expect(info).toMatchObject({ model: 'google/gemini-2.5-pro', pricing_source: 'catalog' });
    expect(info.pricing?.prompt).toMatch(/^\d+(\.\d+)?$/);
  });

  it('GET /metrics answers Prometheus text', async () => {
    await h.request('/healthz');
    const response = await h.request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toMatch(/^crux_http_requests_total\{.*route="\/healthz".*\} \d+$/m);
  });

  it('GET /v1/openapi.json answers the OpenAPI 3.1 document of every route', async () => {
    const response = await h.request('/v1/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, object> };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/auth/signup',
        '/v1/climbs/{id}',
        '/v1/chat',
        '/v1/admin/usage',
        '/healthz',
      ]),
    );
  });

  it('GET /v1/docs answers a readable HTML reference', async () => {
    const response = await h.request('/v1/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('/v1/climbs');
  });
});

describe('operations: errors', () => {
  it.each([
    ['GET', '/v1/nothing-here'],
    ['DELETE', '/v1/profile'],
    ['POST', '/healthz'],
    ['GET', '/v2/climbs'],
  ])('%s %s answers 404 not_found as JSON', async (method, path) => {
    // Under /v1 the token is checked first: a caller without one learns nothing about the routes.
    const { token } = await h.user();
    const error = await expectError(await h.request(path, { method, token }), 404, 'not_found');
    expect(error.error.message).toContain(path);
  });
});

describe('operations: access', () => {
  it.each(['/healthz', '/readyz', '/metrics', '/v1/model', '/v1/openapi.json', '/v1/docs'])(
    '%s is public: no token needed, and a bad one is ignored',
    async (path) => {
      expect((await h.request(path)).status).toBe(200);
      expect((await h.request(path, { token: 'not.a.jwt' })).status).toBe(200);
    },
  );
});
