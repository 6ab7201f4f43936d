import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import type { ChatRun } from '../chat/chat-service.ts';
import type { ChatEventSink } from '../chat/upstream-turn.ts';
import type { AppEnv } from './app-env.ts';
import { sseResponse } from './sse.ts';

/** A run that sends `count` deltas of `size` characters, waiting whenever the sink asks it to. */
function fakeRun(count: number, size: number) {
  const state = { sent: 0, aborted: false, done: undefined as Promise<void> | undefined };
  const run: ChatRun = {
    requestId: 'run-1',
    attach(sink: ChatEventSink) {
      state.done = (async () => {
        for (let i = 0; i < count && !state.aborted; i++) {
          const wait = sink.send({ type: 'delta', content: `${i}:${'x'.repeat(size)}` });
          state.sent++;
          if (wait) await wait;
        }
        sink.send({ type: 'error', error: { code: 'upstream_error', message: 'cut' } });
        sink.end();
      })();
    },
    abort() {
      state.aborted = true;
    },
  };
  return { run, state };
}

function appFor(run: ChatRun) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.post('/stream', (c) => sseResponse(c, run));
  return app;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('sseResponse as a web stream (Deno, app.request)', () => {
  it('makes the run wait while the reader is behind, then delivers everything and [DONE]', async () => {
    const { run, state } = fakeRun(200, 1_024);
    const response = await appFor(run).request('/stream', {
      method: 'POST',
      headers: { 'x-request-id': 'web-1' },
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-request-id')).toBe('web-1');
    await settle();
    // About 64 KB buffered, far from the 200 KB the run has.
    expect(state.sent).toBeGreaterThan(10);
    expect(state.sent).toBeLessThan(100);

    const text = await response.text();
    await state.done;
    const data = text
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => block.slice('data: '.length));
    expect(data).toHaveLength(202);
    expect(data[199]?.startsWith('{"type":"delta","content":"199:')).toBe(true);
    expect(JSON.parse(data[200]!)).toEqual({
      type: 'error',
      error: { code: 'upstream_error', message: 'cut', request_id: 'web-1' },
    });
    expect(data[201]).toBe('[DONE]');
  });

  it('aborts the run when the reader cancels, and lets a waiting run go on', async () => {
    const { run, state } = fakeRun(1_000, 1_024);
    const response = await appFor(run).request('/stream', { method: 'POST' });
    await settle();
    await response.body!.cancel();
    await state.done;
    expect(state.aborted).toBe(true);
    expect(state.sent).toBeLessThan(1_000);
  });
});
