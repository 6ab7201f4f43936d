import { API_ROUTES, type RouteContract } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const WEIRD: unknown[] = [
  'a\u0000b',
  '\u0000',
  'x\uD800y',
  '\uDC00',
  '300000-01-01T00:00:00Z',
  '+300000-01-01T00:00:00Z',
  '-005000-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '0000-01-01',
  '2026-02-30',
  '',
  ' ',
  'x'.repeat(70_000),
  -1,
  0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  0.5,
  true,
  null,
  [],
  [null],
  {},
  { '\u0000': 1 },
  { __proto__: { admin: true } },
  JSON.parse('{"__proto__": {"x": 1}}'),
  'Robert"); drop table users; --',
  '../../etc/passwd',
  '%00',
];

const RAW_BODIES = ['', '{', 'null', '[]', '"\\u0000"', '{"a":"\\ud800"}', '['.repeat(30_000), '\u0000'];

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
    notes: '',
    created_at: '2026-01-01T00:00:00Z',
    redemption_at: null,
  },
  updateClimb: { notes: 'n', created_at: '2026-01-01T00:00:00Z' },
  chat: { message: 'hi' },
};

const QUERY_NAMES = ['limit', 'before', 'from', 'to', 'group_by', 'format', 'outcome', 'climb_type'];
const IDS = ['00000000-0000-0000-0000-000000000000', 'not-a-uuid', '%00', 'x'.repeat(300), '..', '%ZZ'];

describe('fuzz: malformed requests to every route never get a 5xx', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness();
    ({ token } = await h.signup());
  });
  afterAll(() => h.close());

  it('answers every one of a few hundred malformed requests below 500, with JSON errors', async () => {
    const next = random(8);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const failures: string[] = [];
    let sent = 0;
    for (const route of API_ROUTES as readonly RouteContract[]) {
      for (let i = 0; i < 16; i++) {
        const path = route.path.replace('{id}', encodeURIComponent(pick(IDS)).replaceAll('%25', '%'));
        const query = new URLSearchParams();
        for (let q = Math.floor(next() * 3); q > 0; q--) query.set(pick(QUERY_NAMES), String(pick(WEIRD)));
        let body: string | undefined;
        if (route.body) {
          const example = EXAMPLES[route.id] ?? {};
          const field = pick([...Object.keys(example), 'unknown_field']);
          body = next() < 0.2 ? pick(RAW_BODIES) : JSON.stringify({ ...example, [field]: pick(WEIRD) });
        }
        const headers: Record<string, string> = {
          'content-type': route.body?.contentType ?? 'application/json',
        };
        if (next() < 0.85) headers.authorization = `Bearer ${token}`;
        if (next() < 0.2) headers['idempotency-key'] = String(pick(WEIRD)).replace(/[^\x20-\x7e]/g, '?');
        const method = route.method.toUpperCase();
        const url = `${h.url}${path}${query.size ? `?${query}` : ''}`;
        const response = await fetch(url, { method, headers, body: method === 'GET' ? undefined : body });
        const text = await response.text();
        sent++;
        if (response.status >= 500)
          failures.push(`${method} ${url.slice(0, 200)} → ${response.status} ${text}`);
        else if (response.status >= 400 && !/"code"/.test(text))
          failures.push(`${method} ${url.slice(0, 200)} → ${response.status} without a JSON error: ${text}`);
      }
    }
    expect(sent).toBeGreaterThan(400);
    expect(failures).toEqual([]);
  }, 120_000);
});
