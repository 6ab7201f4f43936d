import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './app-env.ts';

/**
 * Hono's `bodyLimit`, without its cost on Node's common request. Hono's reads `c.req.raw.body`
 * first, which makes `@hono/node-server` build a whole web Request for every request (a
 * ReadableStream over the socket, an AbortController), where the route's `c.req.text()` would
 * otherwise read the socket directly. On Node (HTTP/1.1: a body comes with Content-Length or
 * Transfer-Encoding, or there is none) a body announced by Content-Length is judged by the header
 * alone, and a request without either has no body; a chunked body, and any request on another
 * runtime (the Edge Function), goes through Hono's, which counts the bytes as they arrive.
 */
export function limitBodySize(
  maxSize: number,
  onError: (c: Context<AppEnv>) => Response | Promise<Response>,
): MiddlewareHandler<AppEnv> {
  const counted = bodyLimit({ maxSize, onError });
  return (c, next) => {
    if (!onNode(c.env) || c.req.header('transfer-encoding') !== undefined) return counted(c, next);
    const length = c.req.header('content-length');
    if (length === undefined) return next();
    return Number.parseInt(length, 10) > maxSize ? Promise.resolve(onError(c)) : next();
  };
}

/** `@hono/node-server` passes the Node request as `env.incoming`. */
function onNode(env: unknown): boolean {
  return typeof env === 'object' && env !== null && 'incoming' in env;
}
