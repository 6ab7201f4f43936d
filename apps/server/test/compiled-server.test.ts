import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../src/auth/tokens.ts';
import { OpenRouterSimulator } from '../src/simulator/server.ts';
import { startCrux, stopCrux } from './support/cli.ts';

const SECRET = 'compiled-secret-0123456789abcdef0123456789';

// Production runs apps/server/dist (bin/crux.js builds it when stale): the bundle must find the
// migrations and the web app beside its sources, and serve the whole chat path.
describe('the compiled server (bin/crux.js serve)', { timeout: 120_000 }, () => {
  const simulator = new OpenRouterSimulator();
  let baseUrl: string;
  let served: Awaited<ReturnType<typeof startCrux>>;

  beforeAll(async () => {
    baseUrl = await simulator.start();
    served = await startCrux(
      ['serve', '--port', '0'],
      {
        OPENROUTER_MODEL: 'google/gemini-2.5-pro',
        OPENROUTER_BASE_URL: baseUrl,
        AUTH_JWT_SECRET: SECRET,
        CRUX_DATA_DIR: mkdtempSync(join(tmpdir(), 'crux-compiled-')),
      },
      /listening on (http:\/\/\S+)/,
      'compiled',
    );
  });
  afterAll(async () => {
    if (served) await stopCrux(served.child);
    await simulator.stop();
  });

  it('applies the migrations, and streams a chat turn to its usage event', async () => {
    expect(served.output()).toMatch(/applied migrations: 20261124000100_foundation\.sql/);
    const url = served.match[1];
    const token = await new TokenService({ secret: SECRET }).sign(randomUUID(), 'compiled@example.com');
    const response = await fetch(`${url}/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'How do I rest on steep routes?' }),
    });
    expect(response.status).toBe(200);
    const events = (await response.text())
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6));
    expect(events.at(-1)).toBe('[DONE]');
    const parsed = events.slice(0, -1).map((data) => JSON.parse(data) as { type: string; content?: string });
    expect(parsed.at(-1)?.type).toBe('usage');
    expect(
      parsed
        .filter((e) => e.type === 'delta')
        .map((e) => e.content)
        .join(''),
    ).toContain('Simulated coach');
  });
});
