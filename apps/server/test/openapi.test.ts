import { buildOpenApiDocument } from '@crux/contracts/openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** `GET /v1/climbs/{id}` for each route the Hono app mounts (middleware left out). */
function mountedOperations(): string[] {
  const operations = h.server.app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
  return [...new Set(operations)].sort();
}

describe('GET /v1/openapi.json', () => {
  it('serves the document generated from the contracts', async () => {
    const response = await h.request('/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  it('documents exactly the routes the server mounts', () => {
    const documented = Object.entries(buildOpenApiDocument().paths ?? {})
      .flatMap(([path, item]) => Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(mountedOperations()).toEqual(documented);
  });
});

describe('GET /v1/docs', () => {
  it('renders a readable reference of every operation from the same document', async () => {
    const response = await h.request('/v1/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    for (const path of Object.keys(buildOpenApiDocument().paths ?? {}))
      expect(page).toContain(`<code>${path}</code>`);
    expect(page).toContain('id="schema-ChatEvent"');
  });
});
