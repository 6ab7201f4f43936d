import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatReply } from '../src/simulator/replies.ts';
import type { Scenario } from '../src/simulator/scenario.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { expectLedgerEqualsBill } from './support/ledger-check.ts';

/** Every completed-answer shape the real service sends (OPENROUTER.md), one at a time and together. */
const ANSWERED: Array<[string, Scenario]> = [
  ['the documented shape', {}],
  ['text, finish_reason and usage in one final chunk', { usageInFinalChunk: true }],
  ['usage without cost', { omitCost: true }],
  ['null usage details', { nullDetails: true }],
  ['an exponent-form cost', { exponentCost: true, cost: '0.00000015' }],
  ['all of them at once', { usageInFinalChunk: true, omitCost: true, nullDetails: true, exponentCost: true }],
];

/** Every mid-stream failure shape. */
const FAILED: Array<[string, Scenario, string]> = [
  ['an error choice', { failAfterChunks: 2 }, 'upstream_502'],
  ['choices: [] with a numeric code', { failAfterChunks: 2, errorShape: 'no_choices' }, 'upstream_502'],
  [
    'choices: [] with a string code',
    { failAfterChunks: 1, errorShape: 'no_choices', errorCode: 'server_error' },
    'upstream_server_error',
  ],
  ['a cut connection', { cutAfterChunks: 2 }, 'stream_cut'],
];

describe('every wire shape, through chat and coach, billed to the last digit', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness();
    ({ token } = await h.signup());
  });
  afterAll(() => h.close());

  it.each(ANSWERED)('chat: %s', async (_name, scenario) => {
    h.simulator.enqueue(scenario);
    const question = `Shape question ${Math.random()}`;
    const chat = await h.chat(token, question);
    expect(chat.text).toBe(chatReply(question)); // every chunk's text, the final one included
    const usage = chat.events.at(-1)!;
    expect(usage).toMatchObject({ type: 'usage', finish_reason: 'stop' });
    const [record] = await h.records(token);
    const billed = h.simulator.billing.get(record!.generation_id!)!;
    expect(usage.cost_usd).toBe(billed.totalCost);
    expect(record).toMatchObject({
      status: 'ok',
      cost_usd: billed.totalCost,
      cost_source: scenario.omitCost ? 'generation' : 'usage',
      finish_reason: 'stop',
    });
    const { messages } = (await (await h.request('/v1/chat/messages?limit=1', { token })).json()) as {
      messages: Array<{ content: string }>;
    };
    expect(messages[0]!.content).toBe(chat.text);
  });

  it.each(FAILED)('chat: a mid-stream failure as %s', async (_name, scenario, code) => {
    h.simulator.enqueue(scenario);
    const chat = await h.chat(token, 'Shape failure');
    expect(chat.done).toBe(true);
    // The client hears the contract's code; the ledger keeps the upstream's own.
    expect(chat.events.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_error' } });
    await h.settled();
    const [record] = await h.records(token);
    expect(record).toMatchObject({ status: 'error', error_code: code, cost_source: 'generation' });
    expect(record!.cost_usd).toBe(h.simulator.billing.get(record!.generation_id!)!.totalCost);
  });

  it('chat: a truncated answer says finish_reason "length" in the usage event and the ledger', async () => {
    h.simulator.enqueue({ finishReason: 'length' });
    const chat = await h.chat(token, 'Shape length');
    expect(chat.events.at(-1)).toMatchObject({ type: 'usage', finish_reason: 'length' });
    expect((await h.records(token))[0]).toMatchObject({ status: 'ok', finish_reason: 'length' });
  });

  it.each([...ANSWERED, ...FAILED.map(([name, scenario]) => [name, scenario] as [string, Scenario])])(
    'coach: %s',
    async (_name, scenario) => {
      h.simulator.enqueue(scenario, {});
      const response = await h.request('/v1/coach/recommendations', { method: 'POST', token });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { usage: { cost_usd: string }; is_cached: boolean };
      expect(body.is_cached).toBe(false);
      const ledger = await expectLedgerEqualsBill(h);
      expect(ledger.ledger).not.toBe('0');
    },
  );

  it('the whole run: no row pending, no "ok" row without cost, ledger equal to the bill', async () => {
    await expectLedgerEqualsBill(h);
  });
});
