import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Context, Hono, type MiddlewareHandler } from 'hono';

/** Where `npm run build` writes the web app. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/**
 * Scripts only from this origin; no inline script, no plugins, no framing. `connectTo` adds an
 * origin the page may call (the Supabase project, when the web app signs in through Supabase Auth).
 */
export const contentSecurityPolicy = (connectTo?: string) =>
  CONTENT_SECURITY_POLICY.replace(
    "connect-src 'self'",
    `connect-src 'self'${connectTo ? ` ${connectTo}` : ''}`,
  );

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** Files whose name never changes between builds must be revalidated on every load. */
function cacheControl(path: string): string {
  if (path.includes('/assets/')) return IMMUTABLE;
  const name = basename(path);
  if (name.endsWith('.html') || name === 'sw.js' || name === 'registerSW.js' || name.endsWith('.webmanifest'))
    return REVALIDATE;
  return 'public, max-age=3600';
}

function htmlHeaders(c: Context, policy: string) {
  c.header('Content-Security-Policy', policy);
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', REVALIDATE);
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Crux: web app not built</title></head>
<body><h1>The Crux web app is not built yet</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds it when missing), then reload.
The API is up at <code>/v1</code>.</p></body></html>`;

/**
 * The built web app (Node only): static files with cache headers, `index.html` for any other
 * page path (the app routes in the browser), a CSP on HTML, and a short page when not built.
 */
export function staticSite(webDir: string, options: { connectTo?: string | undefined } = {}): Hono {
  const app = new Hono();
  const policy = contentSecurityPolicy(options.connectTo);
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
  });
  // Made on first use, so a build that appears after the start is served (and no warning before).
  let files: MiddlewareHandler | undefined;
  app.use('*', (c, next) => {
    files ??= existsSync(webDir)
      ? serveStatic({
          root: webDir,
          onFound: (path, found) => {
            found.header('Cache-Control', cacheControl(path));
            if (path.endsWith('.html')) htmlHeaders(found, policy);
          },
        })
      : undefined;
    return files ? files(c, next) : next();
  });
  app.get('*', async (c) => {
    // A missing file (a path with an extension) is a 404, never the app shell.
    if (basename(c.req.path).includes('.')) return c.text('Not found', 404);
    const index = join(webDir, 'index.html');
    htmlHeaders(c, policy);
    if (!existsSync(index)) return c.html(NOT_BUILT, 503);
    return c.html(await readFile(index, 'utf8'));
  });
  return app;
}

/** Paths that always belong to the API, whatever the method. */
export function isApiPath(pathname: string): boolean {
  return (
    pathname === '/v1' ||
    pathname.startsWith('/v1/') ||
    pathname === '/healthz' ||
    pathname === '/readyz' ||
    pathname === '/metrics'
  );
}

/** Whether the web app answers this request: a read outside the API's paths. */
export function isSiteRequest(request: Request): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  return !isApiPath(new URL(request.url).pathname);
}
