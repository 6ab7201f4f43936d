import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from './support/cli.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { expectLedgerEqualsBill } from './support/ledger-check.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const main = join(root, 'apps/server/src/cli/main.ts');
const tsxLoader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

/**
 * `crux serve` as its own process: node itself (not the tsx wrapper, whose child would outlive a
 * SIGKILL) with the TypeScript loader. Resolves with its URL once it listens.
 */
function startInstance(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, main, 'serve'], {
    cwd: mkdtempSync(join(tmpdir(), 'crux-instance-')),
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`crux serve exited with ${code}:\n${output}`)));
  });
}

/** Starts a chat and resolves once its first text arrived; the rest of the stream is read (or cut) in the background. */
async function chatUntilFirstText(url: string, token: string): Promise<void> {
  const response = await fetch(`${url}/v1/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'a long answer please' }),
  });
  const reader = response.body!.getReader();
  let text = '';
  while (!text.includes('"delta"')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before any text: ${text}`);
    text += new TextDecoder().decode(value);
  }
  void (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {} // cut by the kill
  })();
}

describe.runIf(process.env.CRUX_TEST_DB === 'postgres')('an instance killed mid-stream', () => {
  let h: Harness;
  let victim: ChildProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'crux-victim-'));
  beforeAll(async () => {
    // The survivor: the default lease (10 s heartbeat, 30 s expiry) and the default 10 s sweep.
    h = await startHarness({ server: { sweepIntervalMs: 10_000 } });
  });
  afterAll(async () => {
    victim?.kill('SIGKILL');
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has its pending rows settled by the other instance within 60 s, ledger equal to the bill', {
    timeout: 150_000,
  }, async () => {
    const instance = await startInstance({
      OPENROUTER_MODEL: 'google/gemini-2.5-pro',
      OPENROUTER_BASE_URL: h.simulator.baseUrl,
      AUTH_JWT_SECRET: h.config.jwtSecret,
      DATABASE_URL: h.databaseUrl!,
      CRUX_DATA_DIR: dataDir,
      PORT: '0',
      DAILY_CHAT_LIMIT: '1000',
    });
    victim = instance.child;
    const { token } = await h.signup();
    // Slow streams on the victim, and a few ordinary chats on the survivor meanwhile.
    const STREAMS = 8;
    h.simulator.enqueue(
      ...Array.from({ length: STREAMS }, () => ({ chunkDelayMs: 400, generationDelayMs: 0 })),
    );
    await Promise.all(Array.from({ length: STREAMS }, () => chatUntilFirstText(instance.url, token)));
    const [{ pending } = { pending: 0 }] = await h.server.db.query<{ pending: number }>(
      `select count(*)::int as pending from api_usage where status = 'pending' and instance_id <> $1`,
      [h.server.instanceId],
    );
    expect(pending).toBe(STREAMS);

    victim.kill('SIGKILL');
    const killedAt = Date.now();
    for (let i = 0; i < 3; i++) {
      h.simulator.enqueue({ cost: '0.001' });
      expect((await h.chat(token, 'still there?')).text).toContain('still there?');
    }

    let left = STREAMS;
    while (left > 0 && Date.now() - killedAt < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      [{ left } = { left: 0 }] = await h.server.db.query<{ left: number }>(
        `select count(*)::int as left from api_usage where status = 'pending'`,
      );
    }
    const seconds = (Date.now() - killedAt) / 1000;
    console.log(
      `[instance-kill] ${STREAMS} rows of the killed instance settled ${seconds.toFixed(1)} s after the kill`,
    );
    expect(left).toBe(0);
    expect(seconds).toBeLessThan(60);
    const { ledger, billed } = await expectLedgerEqualsBill(h);
    expect(ledger).toBe(billed);
    const statuses = await h.server.db.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from api_usage where instance_id <> $1 group by status`,
      [h.server.instanceId],
    );
    expect(statuses).toEqual([{ status: 'aborted', n: STREAMS }]);
  });
});
