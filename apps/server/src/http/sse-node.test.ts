import { once } from 'node:events';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text as readAll } from 'node:stream/consumers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NodeSseSink } from './sse-node.ts';

/** A real HTTP server on loopback whose one request is answered by `handle`, and a client for it. */
async function serve(
  handle: (res: ServerResponse) => void,
): Promise<{ server: Server; response: IncomingMessage }> {
  const server = createServer((_req, res) => handle(res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const request = get(`http://127.0.0.1:${port}/`);
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  return { server, response };
}

const dataLines = (text: string) =>
  text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));

const tick = () => new Promise((resolve) => setImmediate(resolve));

let server: Server | undefined;
let clientResponse: IncomingMessage;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

describe('NodeSseSink', () => {
  it('waits for drain when the client stops reading, then delivers every event in order', async () => {
    const piece = 'x'.repeat(64 * 1024);
    let sink!: NodeSseSink;
    let sentBytes = 0;
    let waited = false;
    const writer = async () => {
      for (let i = 0; i < 400; i++) {
        const wait = sink.send({ type: 'delta', content: `${i}:${piece}` });
        sentBytes += piece.length;
        if (wait) {
          waited = true;
          await wait;
        }
      }
      sink.end();
    };
    let writing: Promise<void> | undefined;
    ({ server, response: clientResponse } = await serve((res) => {
      sink = new NodeSseSink(res, 'req-1', () => {});
      sink.open({ 'content-type': 'text/event-stream' });
      writing = writer();
    }));
    clientResponse.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Stopped far short of the 26 MB: the sockets hold a few MB at most.
    expect(waited).toBe(true);
    const stalledAt = sentBytes;
    expect(stalledAt).toBeLessThan(20 * 1024 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sentBytes).toBe(stalledAt);

    const data = dataLines(await readAll(clientResponse));
    await writing;
    expect(data).toHaveLength(401);
    expect(data.at(-1)).toBe('[DONE]');
    data.slice(0, -1).forEach((line, i) => {
      expect(line.startsWith(`{"type":"delta","content":"${i}:x`)).toBe(true);
    });
  });

  it('writes the events of one tick as one chunk, and the error event with the request id', async () => {
    let writes = 0;
    ({ server, response: clientResponse } = await serve((res) => {
      const write = res.write.bind(res);
      res.write = ((...args: Parameters<typeof write>) => {
        writes++;
        return write(...args);
      }) as typeof res.write;
      const sink = new NodeSseSink(res, 'req-2', () => {});
      sink.open({ 'content-type': 'text/event-stream' });
      for (const content of ['a', 'b', 'c']) sink.send({ type: 'delta', content });
      void tick().then(() => {
        sink.send({ type: 'error', error: { code: 'upstream_error', message: 'cut' } });
        sink.end();
      });
    }));
    const data = dataLines(await readAll(clientResponse));
    expect(writes).toBe(1); // a, b, c; the error and [DONE] go with end()
    expect(data).toEqual([
      '{"type":"delta","content":"a"}',
      '{"type":"delta","content":"b"}',
      '{"type":"delta","content":"c"}',
      '{"type":"error","error":{"code":"upstream_error","message":"cut","request_id":"req-2"}}',
      '[DONE]',
    ]);
  });

  it('tells once that the client left mid-stream, releases a waiting writer and drops later events', async () => {
    let gone = 0;
    let sink!: NodeSseSink;
    ({ server, response: clientResponse } = await serve((res) => {
      sink = new NodeSseSink(res, 'req-3', () => gone++);
      sink.open({ 'content-type': 'text/event-stream' });
      sink.send({ type: 'delta', content: 'first' });
    }));
    clientResponse.pause();
    let wait: Promise<void> | undefined;
    for (let i = 0; i < 1_000 && !wait; i++)
      wait = sink.send({ type: 'delta', content: 'y'.repeat(64 * 1024) });
    expect(wait).toBeDefined();
    clientResponse.destroy();
    await wait;
    await vi.waitFor(() => expect(gone).toBe(1));
    expect(sink.send({ type: 'delta', content: 'late' })).toBeUndefined();
    sink.end();
    expect(gone).toBe(1);
  });

  it('does not report a client that leaves after the stream ended', async () => {
    let gone = 0;
    ({ server, response: clientResponse } = await serve((res) => {
      const sink = new NodeSseSink(res, 'req-4', () => gone++);
      sink.send({ type: 'delta', content: 'before the head' });
      sink.open({ 'content-type': 'text/event-stream' });
      sink.end();
    }));
    expect(dataLines(await readAll(clientResponse))).toEqual([
      '{"type":"delta","content":"before the head"}',
      '[DONE]',
    ]);
    clientResponse.destroy();
    await tick();
    expect(gone).toBe(0);
  });
});
