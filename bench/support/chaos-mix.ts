/**
 * The chaos runs' traffic (npm run chaos, npm run chaos:cluster): the scenario mix the simulator
 * draws from (every wire shape of the real service and its faults), and the two clients, a chat
 * that may abort after its first text and a coach recommendation, each reduced to an outcome.
 */
import { randomUUID } from 'node:crypto';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { Scenario } from '../../apps/server/src/simulator/scenario.ts';

/** Every wire shape and fault, weighted by how often it is drawn. */
const SCENARIOS: Array<[number, Scenario]> = [
  [6, {}],
  [3, { usageInFinalChunk: true }],
  [3, { omitCost: true }],
  [3, { nullDetails: true }],
  [2, { exponentCost: true }],
  [2, { usageInFinalChunk: true, omitCost: true, nullDetails: true, exponentCost: true }],
  [1, { omitUsage: true }],
  [1, { finishReason: 'length' }],
  [1, { failAfterChunks: 2 }],
  [1, { failAfterChunks: 1, errorShape: 'no_choices', errorCode: 'server_error' }],
  [1, { failAfterChunks: 3, errorShape: 'no_choices' }],
  [1, { cutAfterChunks: 2 }],
  [1, { status: 429, retryAfterSeconds: 1 }],
  [1, { status: 502 }],
  [1, { status: 503 }],
  [1, { output: 'schema_invalid' }],
  [2, { chunkDelayMs: 15 }],
];

/** One scenario drawn from the mix (a 2 ms gap between chunks unless it sets its own). */
export function drawScenario(): Scenario {
  const total = SCENARIOS.reduce((sum, [weight]) => sum + weight, 0);
  let pick = Math.random() * total;
  for (const [weight, scenario] of SCENARIOS) {
    pick -= weight;
    if (pick < 0) return { ...scenario, chunkDelayMs: scenario.chunkDelayMs ?? 2 };
  }
  return {};
}

export interface Outcome {
  kind: string;
  userId: string;
  /** A chat that ended with its usage event: the text the client received. */
  answered?: string;
  question?: string;
}

const message = (error: unknown) =>
  error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);

/** A chat on `base`; with `abort`, the client goes away at the first text. */
export async function chat(base: string, token: string, userId: string, abort: boolean): Promise<Outcome> {
  const question = `chaos question ${randomUUID()}`;
  const controller = new AbortController();
  let response: Response;
  try {
    response = await fetch(`${base}/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: question }),
      signal: controller.signal,
    });
  } catch (error) {
    return { kind: `chat not sent: ${message(error)}`, userId };
  }
  if (!response.headers.get('content-type')?.includes('text/event-stream')) {
    const body = (await response.json()) as { error: { code: string } };
    return { kind: `chat ${response.status} ${body.error.code}`, userId };
  }
  let text = '';
  let last = '';
  const events = response
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  try {
    for await (const event of events) {
      if (event.data === '[DONE]') break;
      const data = JSON.parse(event.data) as { type: string; content?: string };
      last = data.type;
      if (data.type === 'delta') {
        text += data.content;
        if (abort) {
          controller.abort();
          return { kind: 'chat aborted by the client', userId };
        }
      }
    }
  } catch {
    return { kind: last === 'usage' ? 'chat cut after its usage event' : 'chat cut mid-stream', userId };
  }
  if (last === 'usage') return { kind: 'chat answered', userId, answered: text, question };
  return { kind: `chat ended with ${last}`, userId };
}

/** A coach recommendation on `base`. */
export async function recommend(base: string, token: string, userId: string): Promise<Outcome> {
  try {
    const response = await fetch(`${base}/v1/coach/recommendations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { error?: { code: string }; is_cached?: boolean };
    const detail = body.error ? body.error.code : body.is_cached ? 'cached plan' : 'new plan';
    return { kind: `recommendation ${response.status} ${detail}`, userId };
  } catch (error) {
    return { kind: `recommendation cut: ${message(error)}`, userId };
  }
}

/** A new account on `base`: its token and id. */
export async function signup(base: string, prefix: string): Promise<{ token: string; id: string }> {
  const response = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${prefix}-${randomUUID()}@crux.local`, password: 'chaos-password' }),
  });
  if (response.status !== 201) throw new Error(`signup refused: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { token: string; user: { id: string } };
  return { token: body.token, id: body.user.id };
}

/** How often each value occurs, most frequent first. */
export function countBy(values: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/** `title` and one indented line per value with its count. */
export function countTable(title: string, values: string[]): string {
  return [title, ...countBy(values).map(([kind, n]) => `  ${String(n).padStart(5)}  ${kind}`)].join('\n');
}
