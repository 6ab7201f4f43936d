import { readinessSchema } from '@crux/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

const KEY = 'sk-or-v1-the-right-key';

describe('GET /readyz', { timeout: 60_000 }, () => {
  const harnesses: Harness[] = [];
  afterAll(() => Promise.all(harnesses.map((h) => h.close())));

  const start = async (key: string, log: string[] = []) => {
    const h = await startHarness({
      simulator: { apiKey: KEY },
      env: { OPENROUTER_API_KEY: key },
      server: { log: (line) => log.push(line) },
    });
    harnesses.push(h);
    return h;
  };

  it('is 200 when the database answers and the upstream accepts the key', async () => {
    const log: string[] = [];
    const h = await start(KEY, log);
    const response = await h.request('/readyz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      database: { ok: true },
      upstream: { ok: true },
    });
    expect(log).toContain('[crux] ready: the database answers and the upstream accepts the key');
  });

  it('is 503 naming the key when the upstream refuses it, while /healthz stays live; the start log says why', async () => {
    const log: string[] = [];
    const h = await start('sk-or-v1-a-wrong-key', log);
    const response = await h.request('/readyz');
    expect(response.status).toBe(503);
    const body = readinessSchema.parse(await response.json());
    expect(body).toMatchObject({ status: 'not_ready', database: { ok: true }, upstream: { ok: false } });
    expect(body.upstream.error).toContain('rejected OPENROUTER_API_KEY (401)');
    expect(JSON.stringify(body)).not.toContain('a-wrong-key');
    expect((await h.request('/healthz')).status).toBe(200);
    expect(log.find((line) => line.includes('NOT READY'))).toContain(
      'upstream: the upstream rejected OPENROUTER_API_KEY',
    );

    await h.simulator.stop();
    const unreachable = (await (await h.request('/readyz')).json()) as { upstream: { error: string } };
    expect(unreachable.upstream.error).toContain('cannot be reached');
  });
});
