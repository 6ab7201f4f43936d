import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenRouterSimulator } from '../simulator/server.ts';
import { NodeTransport } from './node-transport.ts';
import { OpenRouterClient } from './openrouter-client.ts';
import { readText } from './transport.ts';

const request = { model: 'google/gemini-2.5-pro', messages: [{ role: 'user' as const, content: 'hi' }] };

const count = (sockets: NodeJS.ReadOnlyDict<Socket[]>) => Object.values(sockets).flat().length;

describe('NodeTransport connections (against the simulator)', () => {
  const simulator = new OpenRouterSimulator();
  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = await simulator.start();
  });
  afterAll(() => simulator.stop());

  it('keeps connections alive across calls and leaks none, whatever ends the calls', async () => {
    const transport = new NodeTransport();
    const client = new OpenRouterClient({ baseUrl, apiKey: undefined, transport, idleTimeoutMs: 200 });
    const connections = () => count(transport.httpAgent.sockets) + count(transport.httpAgent.freeSockets);
    for (let i = 0; i < 20; i++) for await (const _part of (await client.streamChat(request)).parts);
    await client.complete(request);
    await client.listModels();
    expect(connections()).toBeLessThanOrEqual(2);

    // Aborted, broken off, timed out, refused, cut: each call's connection is closed or back in the pool.
    const controller = new AbortController();
    simulator.enqueue({ chunkDelayMs: 30 });
    const aborted = await client.streamChat({ ...request, signal: controller.signal });
    for await (const _part of aborted.parts) controller.abort();
    simulator.enqueue({ chunkDelayMs: 30 });
    for await (const _part of (await client.streamChat(request)).parts) break;
    simulator.enqueue({ processingMs: 500, keepAlives: 0 });
    for await (const _part of (await client.streamChat(request)).parts);
    simulator.enqueue({ status: 503 });
    await client.streamChat(request).catch(() => undefined);
    simulator.enqueue({ cutAfterChunks: 1 });
    for await (const _part of (await client.streamChat(request)).parts);

    await expect.poll(() => count(transport.httpAgent.sockets)).toBe(0);
    expect(count(transport.httpAgent.freeSockets)).toBeLessThanOrEqual(2);
    transport.close();
  });
});

describe('NodeTransport on a kept connection the server closed', () => {
  // Answers the first request on each connection, then drops the connection at the next one.
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    let requests = 0;
    socket.on('data', () => {
      if (++requests > 1) return void socket.destroy();
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the request once more on a new connection', async () => {
    const transport = new NodeTransport();
    const get = async () =>
      readText(
        await transport.request({ method: 'GET', url, headers: {}, signal: new AbortController().signal }),
      );
    expect(await get()).toBe('ok');
    await new Promise((resolve) => setImmediate(resolve)); // the socket back in the pool
    expect(await get()).toBe('ok');
    expect(accepted).toBe(2);
    transport.close();
  });
});
