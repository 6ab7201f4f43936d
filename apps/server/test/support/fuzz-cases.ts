import type { RouteContract } from '@crux/contracts';

/** A small seeded generator, so a failing case can be replayed from its seed. */
export function seeded(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick };
}

/** Values no field should accept, or that sit at the edge of what one accepts. */
export const WEIRD: unknown[] = [
  'a\u0000b',
  '\u0000',
  'x\uD800y',
  '\uDC00',
  '\uFFFF\uFFFE',
  '\u202Eevil',
  '😀'.repeat(3000),
  '300000-01-01T00:00:00Z',
  '+300000-01-01T00:00:00Z',
  '-005000-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '0000-01-01',
  '9999-12-31T23:59:59.999999999Z',
  '1970-01-01T00:00:00+25:00',
  '2026-02-30',
  '2026-13-01T00:00:00Z',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '99999999999999999999999999999999',
  '0x10',
  '',
  ' ',
  '\t\n',
  'x'.repeat(5001),
  'x'.repeat(70_000),
  -1,
  0,
  -0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 31,
  -(2 ** 63),
  0.5,
  true,
  false,
  null,
  [],
  [null],
  ['Crimp', 'Crimp'],
  Array.from({ length: 500 }, () => 'Slab'),
  {},
  { '\u0000': 1 },
  { __proto__: { admin: true } },
  JSON.parse('{"__proto__": {"x": 1}}'),
  { constructor: { prototype: { admin: true } } },
  [[[[[[[[[[[]]]]]]]]]]],
  'Robert"); drop table users; --',
  "' or 1=1 --",
  '../../etc/passwd',
  '%00',
  '<script>alert(1)</script>',
  '{{7*7}}',
];

/** Bodies that are not the JSON a route expects, or not JSON at all. */
export const RAW_BODIES = [
  '',
  '{',
  '}',
  'null',
  '[]',
  '0',
  '"\\u0000"',
  '{"a":"\\ud800"}',
  '{"message":"\\u0000"}',
  '{"a":1,"a":2}',
  '{"limit":1e999}',
  '['.repeat(30_000),
  '{"a":'.repeat(5_000),
  '\u0000',
  '\uFEFF{}',
  'message=hi',
  'not json at all',
  '{"email":"a@b.c","password":"correct horse battery"',
];

/** A valid body per route, to mutate one field at a time. */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  signup: { email: 'fuzz@example.com', password: 'correct horse battery' },
  login: { email: 'fuzz@example.com', password: 'correct horse battery' },
  updateProfile: { home_gym: 'Gym', climbing_context: 'ctx', hold_colors: ['red'] },
  createClimb: {
    location: 'Gym',
    climb_type: 'boulder',
    grade_scale: 'v_scale',
    grade_value: 'V4',
    outcome: 'Fail',
    style: ['Crimp'],
    failure_reasons: ['Pumped'],
    awkwardness: 3,
    notes: '',
    created_at: '2026-01-01T00:00:00Z',
    redemption_at: null,
  },
  updateClimb: { notes: 'n', created_at: '2026-01-01T00:00:00Z' },
  chat: { message: 'hi' },
};

const QUERY_NAMES = ['limit', 'before', 'from', 'to', 'group_by', 'format', 'outcome', 'climb_type', 'x'];
const IDS = [
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'not-a-uuid',
  '%00',
  '%C0%AF',
  '%E2%80%AE',
  'x'.repeat(300),
  '..',
  '%2e%2e%2f',
  '%ZZ',
  '-1',
  '1e309',
];
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  '',
  'application/json; charset=utf-16',
  'application/json;;',
  '*/*',
];
const AUTHORIZATIONS = [
  'Bearer',
  'Bearer ',
  'Basic dXNlcjpwYXNz',
  'Bearer a.b.c',
  'Bearer x'.padEnd(8_000, 'x'),
  'bearer\tnot.a.jwt',
  'Token abc',
];

export interface FuzzRequest {
  method: string;
  /** Path and query, percent-encoded. */
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A printable header value (fetch refuses control characters and non-Latin-1 outright). */
const headerSafe = (value: unknown) =>
  String(value)
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 8_000);

function bodyFor(route: RouteContract, random: ReturnType<typeof seeded>): string | undefined {
  const { next, pick } = random;
  if (!route.body) return next() < 0.1 ? pick(RAW_BODIES) : undefined;
  if (route.body.contentType === 'text/csv')
    return next() < 0.5 ? pick(RAW_BODIES) : `location,grade_value\n${headerSafe(pick(WEIRD))},V4\n`;
  const roll = next();
  if (roll < 0.2) return pick(RAW_BODIES);
  const example: Record<string, unknown> = { ...EXAMPLES[route.id] };
  const fields = [...Object.keys(example), 'unknown_field'];
  const changes = roll < 0.8 ? 1 : 1 + Math.floor(next() * 3);
  for (let i = 0; i < changes; i++) example[pick(fields)] = pick(WEIRD);
  if (roll > 0.95) return JSON.stringify([example]);
  return JSON.stringify(example);
}

/**
 * `count` malformed requests spread over every route, deterministic for a seed: odd ids, query
 * values and headers, bodies with one or a few fields swapped for values no field accepts,
 * bodies that are not JSON, wrong content types and methods, broken or foreign tokens.
 */
export function fuzzRequests(
  routes: readonly RouteContract[],
  token: string,
  count: number,
  seed: number,
): FuzzRequest[] {
  const random = seeded(seed);
  const { next, pick } = random;
  const requests: FuzzRequest[] = [];
  for (let n = 0; n < count; n++) {
    const route = routes[n % routes.length]!;
    const path = route.path.replace('{id}', encodeURIComponent(pick(IDS)).replaceAll('%25', '%'));
    const query = new URLSearchParams();
    for (let q = Math.floor(next() * 4); q > 0; q--)
      query.append(pick(QUERY_NAMES), String(pick(WEIRD)).slice(0, 6_000));
    const headers: Record<string, string> = { 'content-type': route.body?.contentType ?? 'application/json' };
    if (next() < 0.1) headers['content-type'] = pick(CONTENT_TYPES);
    const auth = next();
    if (auth < 0.8) headers.authorization = `Bearer ${token}`;
    else if (auth < 0.9) headers.authorization = pick(AUTHORIZATIONS);
    if (next() < 0.15) headers['idempotency-key'] = headerSafe(pick(WEIRD));
    if (next() < 0.1) headers['x-request-id'] = headerSafe(pick(WEIRD));
    if (next() < 0.1) headers['x-forwarded-for'] = headerSafe(pick(WEIRD));
    if (next() < 0.05) headers.accept = headerSafe(pick(WEIRD));
    const method =
      next() < 0.05 ? pick(['PUT', 'PATCH', 'DELETE', 'POST', 'GET']) : route.method.toUpperCase();
    const body = method === 'GET' || method === 'HEAD' ? undefined : bodyFor(route, random);
    requests.push({ method, url: `${path}${query.size ? `?${query}` : ''}`, headers, body });
  }
  return requests;
}
