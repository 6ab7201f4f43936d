import { describe, expect, it } from 'vitest';
import { parseTrustProxy, type TrustProxy } from '../config/trust-proxy.ts';
import { addressKey, inRange, parseIp, parseIpRange } from '../shared/ip-address.ts';
import { resolveClientAddress, socketAddress } from './client-address.ts';

const trust = (value: string | undefined): TrustProxy => {
  const parsed = parseTrustProxy(value);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};

const resolve = (
  socket: string | undefined,
  header: string | undefined,
  value?: string,
  name = 'x-forwarded-for',
) => {
  const ip = resolveClientAddress(socket, header, { trustProxy: trust(value), header: name });
  return ip ? addressKey(ip) : undefined;
};

describe('IP addresses', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['[::ffff:10.1.2.3]', '10.1.2.3'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8:aa:bb:1:2:3:4', '2001:db8:aa:bb::/64'],
    ['2001:db8:aa:bb::9', '2001:db8:aa:bb::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('reads %s (counted as %s)', (text, key) => {
    const ip = parseIp(text);
    expect(ip && addressKey(ip)).toBe(key);
  });

  it.each([
    '',
    'unknown',
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.5',
    '1::2::3',
    '12345::1',
    '1:2:3:4:5:6:7:8:9',
    'a\u0000b',
    'x'.repeat(300),
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  it('matches CIDR ranges of both families, mapped IPv4 included', () => {
    const ten = parseIpRange('10.0.0.0/8')!;
    expect(inRange(parseIp('10.200.3.4')!, ten)).toBe(true);
    expect(inRange(parseIp('11.0.0.1')!, ten)).toBe(false);
    expect(inRange(parseIp('::ffff:10.0.0.1')!, ten)).toBe(true);
    expect(inRange(parseIp('fd12::1')!, parseIpRange('fc00::/7')!)).toBe(true);
    expect(inRange(parseIp('2001:db8::1')!, parseIpRange('fc00::/7')!)).toBe(false);
    expect(parseIpRange('10.0.0.0/33')).toBeUndefined();
    expect(parseIpRange('10.0.0.0/8/1')).toBeUndefined();
  });
});

describe('TRUST_PROXY', () => {
  it('reads nobody, a hop count, or a list of addresses, ranges and names', () => {
    expect(parseTrustProxy(undefined)).toEqual({ kind: 'none' });
    expect(parseTrustProxy('false')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('0')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('2')).toEqual({ kind: 'hops', hops: 2 });
    const list = parseTrustProxy('loopback, 10.1.0.0/16,2001:db8::1');
    expect(typeof list !== 'string' && list.kind === 'ranges' && list.ranges).toHaveLength(4);
  });

  it.each(['true', '11', 'loopback,nonsense', '10.0.0.0/40'])('refuses %j with a sentence', (value) => {
    expect(parseTrustProxy(value)).toBeTypeOf('string');
  });
});

describe('the client address', () => {
  const forged = '6.6.6.6, 203.0.113.9';

  it('is the socket peer when no proxy is trusted, whatever the headers say', () => {
    expect(resolve('198.51.100.1', forged)).toBe('198.51.100.1');
    expect(resolve('198.51.100.1', '203.0.113.9', undefined, 'x-real-ip')).toBe('198.51.100.1');
  });

  it('is the rightmost untrusted hop of X-Forwarded-For behind a hop count', () => {
    expect(resolve('10.0.0.2', forged, '1')).toBe('203.0.113.9');
    expect(resolve('10.0.0.2', `${forged}, 10.0.0.1`, '2')).toBe('203.0.113.9');
    // Fewer entries than hops: the leftmost there is; none at all: the peer.
    expect(resolve('10.0.0.2', '203.0.113.9', '3')).toBe('203.0.113.9');
    expect(resolve('10.0.0.2', undefined, '1')).toBe('10.0.0.2');
  });

  it('walks trusted ranges from the right and stops at the first untrusted hop', () => {
    expect(resolve('127.0.0.1', `${forged}, 10.0.0.7`, 'loopback,private')).toBe('203.0.113.9');
    expect(resolve('198.51.100.1', forged, 'loopback')).toBe('198.51.100.1'); // peer not a proxy
    expect(resolve('127.0.0.1', 'garbage, 10.0.0.7', 'loopback,private')).toBe('10.0.0.7');
  });

  it('reads a one-address header from a trusted peer only', () => {
    expect(resolve('127.0.0.1', '203.0.113.9', 'loopback', 'cf-connecting-ip')).toBe('203.0.113.9');
    expect(resolve('198.51.100.1', '203.0.113.9', 'loopback', 'cf-connecting-ip')).toBe('198.51.100.1');
    expect(resolve('127.0.0.1', 'nonsense', 'loopback', 'cf-connecting-ip')).toBe('127.0.0.1');
  });

  it('finds the socket peer in Node’s and Deno’s env, and nothing without one', () => {
    expect(socketAddress({ incoming: { socket: { remoteAddress: '::ffff:127.0.0.2' } } })).toBe(
      '::ffff:127.0.0.2',
    );
    expect(socketAddress({ remoteAddr: { hostname: '127.0.0.3', port: 1, transport: 'tcp' } })).toBe(
      '127.0.0.3',
    );
    expect(socketAddress(undefined)).toBeUndefined();
    expect(resolve(undefined, forged, '1')).toBeUndefined();
  });
});
