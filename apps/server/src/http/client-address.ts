import { createMiddleware } from 'hono/factory';
import type { TrustProxy } from '../config/trust-proxy.ts';
import { addressKey, type IpAddress, inRange, parseIp } from '../shared/ip-address.ts';
import type { AppEnv } from './app-env.ts';

/** The address of a request that came without a socket (an in-process call). */
export const UNKNOWN_ADDRESS = 'unknown';

export interface ClientAddressOptions {
  trustProxy: TrustProxy;
  /** `x-forwarded-for` (a list, each proxy appending its peer) or a header holding one address. */
  header: string;
}

/**
 * The socket's peer as the runtime passes it in Hono's `env`: Node (`@hono/node-server`:
 * `env.incoming.socket.remoteAddress`) or Deno (`Deno.serve`'s info: `env.remoteAddr.hostname`).
 */
export function socketAddress(env: unknown): string | undefined {
  if (typeof env !== 'object' || env === null) return undefined;
  const node = (env as { incoming?: { socket?: { remoteAddress?: unknown } } }).incoming?.socket
    ?.remoteAddress;
  if (typeof node === 'string') return node;
  const deno = (env as { remoteAddr?: { hostname?: unknown } }).remoteAddr?.hostname;
  return typeof deno === 'string' ? deno : undefined;
}

function trusted(hop: IpAddress, position: number, trust: TrustProxy): boolean {
  if (trust.kind === 'hops') return position < trust.hops;
  if (trust.kind === 'ranges') return trust.ranges.some((range) => inRange(hop, range));
  return false;
}

/**
 * Who sent a request: the socket's peer, unless `TRUST_PROXY` says that peer is a proxy. Then the
 * forwarding header is read from the right (the entries the trusted proxies appended), hop by
 * hop, to the first address that is not a trusted proxy; whatever a client wrote further left
 * is never reached. A header of one address (`cf-connecting-ip`) is taken when the peer is trusted.
 */
export function resolveClientAddress(
  socket: string | undefined,
  headerValue: string | undefined,
  options: ClientAddressOptions,
): IpAddress | undefined {
  const peer = socket === undefined ? undefined : parseIp(socket);
  if (!peer || options.trustProxy.kind === 'none' || !trusted(peer, 0, options.trustProxy)) return peer;
  if (options.header !== 'x-forwarded-for') return parseIp(headerValue ?? '') ?? peer;
  const hops = (headerValue ?? '').split(',').reverse();
  let client = peer;
  for (const [index, text] of hops.entries()) {
    const hop = parseIp(text);
    if (!hop) break;
    client = hop;
    if (!trusted(hop, index + 1, options.trustProxy)) break;
  }
  return client;
}

/** Sets `c.var.clientAddress`: the key throttles count the client under (see `addressKey`). */
export function clientAddress(options: ClientAddressOptions) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const ip = resolveClientAddress(socketAddress(c.env), c.req.header(options.header), options);
    c.set('clientAddress', ip ? addressKey(ip) : UNKNOWN_ADDRESS);
    await next();
  });
}
