import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

const INDEX =
  '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script></body></html>';

describe('the web app on the API port', () => {
  let h: Harness;
  let webDir: string;

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'crux-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), INDEX);
    writeFileSync(join(webDir, 'assets', 'index-abc123.js'), 'console.log("crux")');
    writeFileSync(join(webDir, 'sw.js'), 'self.skipWaiting()');
    writeFileSync(join(webDir, 'manifest.webmanifest'), '{"name":"Crux"}');
    h = await startHarness({ server: { webDir } });
  });
  afterAll(async () => {
    await h.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('serves index.html at / with a strict CSP and no-cache', async () => {
    const response = await h.request('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await response.text()).toBe(INDEX);
  });

  it('answers any page path with the app shell (SPA fallback)', async () => {
    for (const path of ['/logbook', '/coach/patterns', '/settings']) {
      const response = await h.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toBe(INDEX);
    }
  });

  it('caches hashed assets forever and revalidates the service worker and manifest', async () => {
    const asset = await h.request('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await asset.text()).toBe('console.log("crux")');
    expect((await h.request('/sw.js')).headers.get('cache-control')).toBe('no-cache');
    expect((await h.request('/manifest.webmanifest')).headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a missing file with 404, not the app shell', async () => {
    const response = await h.request('/assets/missing-999.js');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('<html');
  });

  it('keeps the API paths the API: JSON 404 for unknown /v1 routes, health and metrics', async () => {
    const { token } = await h.signup();
    const unknown = await h.request('/v1/nothing-here', { token });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found', message: expect.any(String) } });
    expect(await (await h.request('/healthz')).json()).toMatchObject({ status: 'ok' });
    expect((await h.request('/metrics')).headers.get('content-type')).toContain('text/plain');
    const unauthenticated = await h.request('/v1/climbs');
    expect(unauthenticated.status).toBe(401);
  });

  it('sends writes outside /v1 to the API (JSON 404), never the app shell', async () => {
    const response = await h.request('/logbook', { method: 'POST', json: {} });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('rejects path traversal', async () => {
    const response = await fetch(`${h.url}/assets/..%2f..%2fpackage.json`);
    expect(response.status).toBe(404);
  });
});

describe('before the web app is built', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ server: { webDir: join(tmpdir(), 'crux-web-never-built') } });
  });
  afterAll(() => h.close());

  it('answers / with a short page saying to run npm run build, and the API still works', async () => {
    const response = await h.request('/');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build');
    expect((await h.request('/healthz')).status).toBe(200);
  });
});
