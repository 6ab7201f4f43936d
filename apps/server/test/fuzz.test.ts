import { API_ROUTES, type RouteContract } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzRequest, fuzzRequests } from './support/fuzz-cases.ts';
import { type Harness, startHarness } from './support/harness.ts';

// Deleting the account would turn every later request into a 401: that route gets an account of its own.
const ROUTES = (API_ROUTES as readonly RouteContract[]).filter((route) => route.id !== 'deleteAccount');
const DELETE_ACCOUNT = (API_ROUTES as readonly RouteContract[]).filter(
  (route) => route.id === 'deleteAccount',
);

/** Sends every request, `concurrency` at a time; returns a line per answer that breaks the rules. */
async function run(
  requests: FuzzRequest[],
  send: (request: FuzzRequest) => Promise<Response>,
  concurrency: number,
): Promise<string[]> {
  const failures: string[] = [];
  let index = 0;
  const worker = async () => {
    while (index < requests.length) {
      const request = requests[index++]!;
      const response = await send(request);
      const text = await response.text();
      const what = `${request.method} ${request.url.slice(0, 200)} ${request.body?.slice(0, 200) ?? ''}`;
      if (response.status >= 500) failures.push(`${what} → ${response.status} ${text.slice(0, 300)}`);
      else if (response.status >= 400 && request.method !== 'HEAD' && !/"code"/.test(text))
        failures.push(`${what} → ${response.status} without a JSON error: ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failures;
}

describe('fuzz: malformed requests to every route never get a 5xx', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    // Low throttles: the few well-formed signups and logins the fuzz makes are not each a scrypt.
    h = await startHarness({
      env: {
        SIGNUPS_PER_ADDRESS_PER_HOUR: '3',
        LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: '3',
        LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: '5',
      },
    });
    ({ token } = await h.signup());
  });
  afterAll(() => h.close());

  it('answers 3,000 malformed requests in process below 500, with JSON errors', async () => {
    const requests = fuzzRequests(ROUTES, token, 3_000, 8);
    const failures = await run(
      requests,
      (r) =>
        Promise.resolve(h.server.app.request(r.url, { method: r.method, headers: r.headers, body: r.body })),
      8,
    );
    expect(failures).toEqual([]);
  }, 180_000);

  it('answers 400 more over real HTTP below 500, with JSON errors', async () => {
    const requests = fuzzRequests(ROUTES, token, 400, 17);
    const failures = await run(
      requests,
      (r) => fetch(`${h.url}${r.url}`, { method: r.method, headers: r.headers, body: r.body }),
      4,
    );
    expect(failures).toEqual([]);
  }, 120_000);

  it('answers malformed account deletions below 500, with JSON errors', async () => {
    const { token: own } = await h.signup();
    const requests = fuzzRequests(DELETE_ACCOUNT, own, 60, 23);
    const failures = await run(
      requests,
      (r) => fetch(`${h.url}${r.url}`, { method: r.method, headers: r.headers, body: r.body }),
      4,
    );
    expect(failures).toEqual([]);
  }, 60_000);

  it('leaves no pending ledger row behind: a refused or failed chat never opens one it does not settle', async () => {
    await h.settled();
    const [row] = await h.server.db.query<{ pending: number }>(
      "select count(*)::int as pending from api_usage where status = 'pending'",
    );
    expect(row?.pending).toBe(0);
  });
});
