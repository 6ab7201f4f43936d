import { type IpRange, parseIpRange } from '../shared/ip-address.ts';

/**
 * Which proxies in front of Crux may say who the client is (`TRUST_PROXY`):
 * - `none`: nobody; the client is the socket's peer and forwarding headers are ignored;
 * - `hops`: this many proxies always stand in front (the last of them is the socket's peer);
 * - `ranges`: any peer in these ranges is a proxy.
 */
export type TrustProxy =
  | { kind: 'none' }
  | { kind: 'hops'; hops: number }
  | { kind: 'ranges'; ranges: IpRange[] };

/** Named ranges accepted in a `TRUST_PROXY` list. */
const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
};

const MAX_HOPS = 10;

/**
 * Parses `TRUST_PROXY`: unset, `false` or `0` (nobody); a hop count `1`…`10`; or a comma-separated
 * list of proxy addresses, CIDR ranges and the names `loopback`, `private`, `linklocal`.
 * Returns a problem (a sentence) instead when the value is none of these.
 * @example parseTrustProxy('loopback, 10.1.0.0/16') // { kind: 'ranges', ranges: [...] }
 */
export function parseTrustProxy(value: string | undefined): TrustProxy | string {
  const text = value?.trim().toLowerCase() ?? '';
  if (text === '' || text === 'false' || text === '0') return { kind: 'none' };
  if (text === 'true')
    return 'must not be true: a client can write any X-Forwarded-For, so say which proxies to trust (a hop count such as 1, or their addresses/CIDR ranges)';
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_HOPS) return `must be a hop count of at most ${MAX_HOPS}, or a list of proxy addresses`;
    return { kind: 'hops', hops };
  }
  const ranges: IpRange[] = [];
  for (const entry of text.split(',').map((part) => part.trim())) {
    const named = NAMED[entry];
    const parsed = named ? named.map((range) => parseIpRange(range)) : [parseIpRange(entry)];
    if (parsed.some((range) => range === undefined))
      return `has "${entry.slice(0, 60)}", which is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, private, linklocal`;
    ranges.push(...(parsed as IpRange[]));
  }
  return { kind: 'ranges', ranges };
}
