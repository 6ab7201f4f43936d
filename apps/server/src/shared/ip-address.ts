/** An IP address as a number (IPv4: 32 bits, IPv6: 128 bits), for prefix matching and keys. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

/** An address range (CIDR): every address whose first `bits` bits equal the prefix's. */
export interface IpRange extends IpAddress {
  bits: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV4_MAPPED = 0xffffn << 32n;

function parseIpv4(text: string): bigint | undefined {
  const parts = IPV4.exec(text)?.slice(1).map(Number);
  if (!parts || parts.some((part) => part > 255)) return undefined;
  return parts.reduce((sum, part) => (sum << 8n) + BigInt(part), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  let groups: string[];
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const split = (half: string | undefined) => (half ? half.split(':') : []);
  let tail = split(halves[1]);
  let head = split(halves[0]);
  // An IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const last = (halves.length === 2 ? tail : head).at(-1);
  let v4: bigint | undefined;
  if (last?.includes('.')) {
    v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    const hex = [(v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
    if (halves.length === 2) tail = [...tail.slice(0, -1), ...hex];
    else head = [...head.slice(0, -1), ...hex];
  }
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  } else groups = head;
  if (groups.length !== 8 || groups.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return groups.reduce((sum, group) => (sum << 16n) + BigInt(Number.parseInt(group, 16)), 0n);
}

/**
 * Parses an IPv4 or IPv6 address (brackets and a zone id allowed); an IPv4-mapped IPv6 address
 * (`::ffff:127.0.0.1`, as Node reports IPv4 peers on a dual-stack socket) is its IPv4 address.
 * @example parseIp('::ffff:10.0.0.1') // { family: 4, value: 167772161n }
 */
export function parseIp(raw: string): IpAddress | undefined {
  const text = raw
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/%[\w.-]+$/, '');
  if (text.length === 0 || text.length > 64) return undefined;
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 - IPV4_MAPPED };
  return { family: 6, value: v6 };
}

const widthOf = (family: 4 | 6) => (family === 4 ? 32 : 128);

/** Parses `10.0.0.0/8`, `fd00::/8` or a single address (a range of one). */
export function parseIpRange(text: string): IpRange | undefined {
  const [address, prefix, ...rest] = text.trim().split('/');
  if (rest.length > 0 || address === undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const width = widthOf(ip.family);
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return undefined;
  // A mapped IPv6 prefix (::ffff:10.0.0.0/104) is an IPv4 prefix 96 bits shorter.
  const bits =
    prefix === undefined ? width : Number(prefix) - (ip.family === 4 && address.includes(':') ? 96 : 0);
  if (bits < 0 || bits > width) return undefined;
  return { ...ip, bits };
}

/** Whether `ip` lies in `range`. */
export function inRange(ip: IpAddress, range: IpRange): boolean {
  if (ip.family !== range.family) return false;
  const shift = BigInt(widthOf(ip.family) - range.bits);
  return ip.value >> shift === range.value >> shift;
}

/**
 * The key a throttle counts an address under: the IPv4 address, or an IPv6 address's /64 (one
 * subscriber usually holds a whole /64, so counting single IPv6 addresses would count nothing).
 */
export function addressKey(ip: IpAddress): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((shift) => (ip.value >> shift) & 0xffn).join('.');
  const prefix = ip.value >> 64n;
  const groups = [48n, 32n, 16n, 0n].map((shift) => ((prefix >> shift) & 0xffffn).toString(16));
  return `${groups.join(':')}::/64`;
}
