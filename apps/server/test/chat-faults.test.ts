import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type LedgerRecord, startHarness } from './support/harness.ts';

/** Polls the caller's ledger until the newest row is settled. */
async function settledRecord(h: Harness, token: string): Promise<LedgerRecord> {
  for (let i = 0; i < 100; i++) {
    await h.settled();
    const [record] = await h.records(token);
    if (record && record.status !== 'pending') return record;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the ledger row never settled');
}

describe('chat faults: every billed cent still lands in the ledger', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('settles a client disconnect mid-stream from /generation, at the billed cost', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ chunkDelayMs: 40, cost: '0.0123456789', generationDelayMs: 100 });
    const controller = new AbortController();
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'long answer please' },
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"type":"delta"');
    controller.abort();

    const record = await settledRecord(h, token);
    const billed = h.simulator.billing.get(record.generation_id!);
    expect(billed?.cancelled).toBe(true);
    expect(record).toMatchObject({
      status: 'aborted',
      cost_source: 'generation',
      cost_usd: '0.0123456789',
      error_code: 'client_disconnected',
    });
    expect(record.cost_usd).toBe(billed!.totalCost);
  });

  it('sends an error event for a mid-stream upstream error and settles it as error with the billed cost', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ failAfterChunks: 3 });
    const chat = await h.chat(token, 'tell me about drop knees');

    expect(chat.status).toBe(200);
    expect(chat.done).toBe(true);
    expect(chat.events.filter((e) => e.type === 'delta')).toHaveLength(3);
    expect(chat.events.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_error' } });

    const record = await settledRecord(h, token);
    const billed = h.simulator.billing.get(record.generation_id!)!;
    expect(Number(billed.totalCost)).toBeGreaterThan(0);
    expect(record).toMatchObject({
      status: 'error',
      error_code: 'upstream_502',
      cost_source: 'generation',
      cost_usd: billed.totalCost,
    });
  });

  it('recovers the cost of a stream the upstream cut without [DONE]', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ cutAfterChunks: 2, cost: '0.000002' });
    const chat = await h.chat(token, 'what is a kneebar');

    expect(chat.events.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'upstream_error', message: expect.stringContaining('ended before it finished') },
    });
    const record = await settledRecord(h, token);
    expect(record).toMatchObject({
      status: 'error',
      error_code: 'stream_cut',
      cost_source: 'generation',
      cost_usd: '0.000002',
    });
  });

  it.each([
    [401, 502, 'upstream_auth_failed'],
    [402, 503, 'upstream_out_of_credits'],
    [429, 429, 'upstream_rate_limited'],
    [503, 503, 'upstream_unavailable'],
  ])(
    'turns an upstream %i before streaming into a %i JSON error and an error row with no cost',
    async (upstream, status, code) => {
      const { token } = await h.signup();
      h.simulator.enqueue({ status: upstream, retryAfterSeconds: 7 });
      const response = await h.request('/v1/chat', {
        method: 'POST',
        token,
        json: { message: 'hello coach' },
      });

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/json');
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).not.toMatch(/sk-or/);
      if (upstream === 429) expect(response.headers.get('retry-after')).toBe('7');

      const [record] = await h.records(token);
      expect(record).toMatchObject({
        status: 'error',
        cost_usd: null,
        cost_source: 'none',
        error_code: expect.stringMatching(/^upstream_/),
      });
      // A refused call does not use up the daily allowance.
      const limits = (await (await h.request('/v1/usage/limits', { token })).json()) as {
        chat: { used: number };
      };
      expect(limits.chat.used).toBe(0);
    },
  );

  it('keeps a question refused before any token out of the next prompt; a retry with its key goes through', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ status: 429 });
    const refused = await h.chat(token, 'refused question', { 'idempotency-key': 'retry-me' });
    expect(refused.status).toBe(429);
    const retried = await h.chat(token, 'refused question', { 'idempotency-key': 'retry-me' });
    expect(retried.events.at(-1)).toMatchObject({ type: 'usage' });
    await h.chat(token, 'next question');
    const sent = h.simulator.received.at(-1)!;
    expect(sent.messages.slice(1).map((m) => m.content)).toEqual([
      'refused question',
      retried.text,
      'next question',
    ]);
  });

  it('answers 502 JSON when the upstream cannot be reached at all', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ latencyMs: 0, status: 502, message: 'provider down' });
    const response = await h.request('/v1/chat', { method: 'POST', token, json: { message: 'hello' } });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_error');
  });
});
