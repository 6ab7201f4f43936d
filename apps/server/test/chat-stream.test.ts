import { type IncomingMessage, request } from 'node:http';
import { text as readAll } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

/** POST /v1/chat over node:http, so the test decides when the body is read. */
function postChat(h: Harness, token: string, message: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ message });
    const req = request(`${h.url}/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the chat stream on a real socket', { timeout: 120_000 }, () => {
  let h: Harness;
  beforeAll(async () => {
    // Long answers: the default max_tokens (4,096) would cut them at 16 KB.
    h = await startHarness({ env: { OPENROUTER_MAX_TOKENS: '65536' } });
  });
  afterAll(() => h?.close());

  it('delivers every event in order to a client that stops reading for a while', async () => {
    const { token } = await h.signup();
    // 240,000 characters (the catalog's cap is 65,536 tokens of 4), each a control character that
    // JSON writes as six (\u0001): about 1.4 MB of events, more than the sockets between hold.
    const content = Array.from(
      { length: 1_000 },
      (_, i) => `${String(i).padStart(4, '0')}${'\u0001'.repeat(235)} `,
    ).join('');
    h.simulator.enqueue({ content });

    const response = await postChat(h, token, 'a very long answer, please');
    expect(response.statusCode).toBe(200);
    // A client that reads nothing for a while (the server waits for 'drain', see http/sse-node.test.ts).
    response.pause();
    await sleep(1_000);
    const text = await readAll(response);
    const data = text
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => block.slice('data: '.length));
    expect(data.at(-1)).toBe('[DONE]');
    const events = data.slice(0, -1).map((line) => JSON.parse(line) as { type: string; content?: string });
    expect(events.at(-1)?.type).toBe('usage');
    const deltas = events.filter((event) => event.type === 'delta').map((event) => event.content);
    expect(deltas.join('')).toBe(content);
    await h.settled();
    const [settled] = await h.records(token);
    expect(settled?.status).toBe('ok');
  });
});
