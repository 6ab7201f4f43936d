import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenRouterClient } from '../src/llm/openrouter-client.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { JwksServer, signingKey } from './support/jwks-server.ts';
import { readSse } from './support/sse.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const RECONCILE_SECRET = 'edge-reconcile-secret-0123456789abcdef0123';

/** Starts the Supabase Edge Function entry under real Deno; resolves with its base URL. */
function startEdgeFunction(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = String(20_000 + Math.floor(Math.random() * 20_000));
  const child = spawn(join(root, 'node_modules/.bin/deno'), ['run', '--no-check', '-A', 'index.ts'], {
    cwd: join(root, 'supabase/functions/crux'),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DENO_NO_UPDATE_CHECK: '1',
      PORT: port,
      ...env,
    },
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`deno did not start:\n${output}`)), 30_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes('Listening on')) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${port}/crux`, child });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`deno exited with ${code}:\n${output}`)));
  });
}

// Edge Functions run on Postgres only (Supabase's), so this runs in the postgres project.
describe.runIf(process.env.CRUX_TEST_DB === 'postgres')(
  'the Supabase Edge Function under Deno',
  { timeout: 60_000 },
  () => {
    let h: Harness;
    let edge: { url: string; child: ChildProcess };
    const project = new JwksServer();
    beforeAll(async () => {
      h = await startHarness(); // migrates the database the function will use
      edge = await startEdgeFunction({
        SUPABASE_URL: await project.start(),
        SUPABASE_DB_URL: h.databaseUrl!,
        OPENROUTER_MODEL: h.config.openRouter.model,
        OPENROUTER_BASE_URL: h.config.openRouter.baseUrl,
        AUTH_JWT_SECRET: h.config.jwtSecret,
        SIGNUPS_PER_ADDRESS_PER_HOUR: '1',
        CRUX_RECONCILE_SECRET: RECONCILE_SECRET,
      });
    });
    afterAll(async () => {
      edge?.child.kill();
      await h.close();
      await project.stop();
    });

    it('serves the same API: signup, a streamed chat with its exact cost, the ledger', async () => {
      const signup = await fetch(`${edge.url}/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'edge@example.com', password: 'edge-password' }),
      });
      expect(signup.status).toBe(201);
      const { token } = (await signup.json()) as { token: string };

      h.simulator.enqueue({ cost: '0.0000004', keepAlives: 3 });
      const chat = await fetch(`${edge.url}/v1/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hello from the edge' }),
      });
      const events = await readSse(chat);
      expect(events.at(-1)).toBe('[DONE]');
      expect(JSON.parse(events.at(-2)!)).toMatchObject({ type: 'usage', cost_usd: '0.0000004' });

      // The Node server on the same database sees the same ledger.
      const [record] = await h.records(token);
      expect(record).toMatchObject({ status: 'ok', cost_usd: '0.0000004', endpoint: 'chat' });

      const health = (await (await fetch(`${edge.url}/healthz`)).json()) as { db: string };
      expect(health.db).toBe('postgres');
    });

    it('accepts Supabase Auth tokens signed with the project’s ES256 and RS256 keys, refuses anonymous ones', async () => {
      const keys = await Promise.all([signingKey('ES256', 'edge-es'), signingKey('RS256', 'edge-rs')]);
      project.published = keys;
      const limits = (token: string) =>
        fetch(`${edge.url}/v1/usage/limits`, { headers: { authorization: `Bearer ${token}` } });
      for (const key of keys) expect((await limits(await project.sign(key, randomUUID()))).status).toBe(200);
      const anonymous = await project.sign(keys[0], randomUUID(), { is_anonymous: true });
      expect((await limits(anonymous)).status).toBe(403);
      const anonRole = await project.sign(keys[0], randomUUID(), { role: 'anon' });
      expect((await limits(anonRole)).status).toBe(401);
    });

    it('counts each client by the X-Forwarded-For hop Supabase’s gateway appends', async () => {
      const signupVia = (forwarded: string) =>
        fetch(`${edge.url}/v1/auth/signup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwarded },
          body: JSON.stringify({ email: `edge-${randomUUID()}@example.com`, password: 'edge-password' }),
        });
      expect((await signupVia('203.0.113.7')).status).toBe(201);
      const again = await signupVia('10.6.6.6, 203.0.113.7'); // a forged entry on the left changes nothing
      expect(again.status).toBe(429);
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await signupVia('203.0.113.8')).status).toBe(201);
    });

    it('settles pending rows and writes the database spool when the scheduler calls its protected reconcile route', async () => {
      const [user] = await h.server.db.query<{ id: string }>('select id from users limit 1');
      h.simulator.enqueue({ cost: '0.000123', generationDelayMs: 0 });
      const completion = await new OpenRouterClient({
        baseUrl: h.simulator.baseUrl,
        apiKey: undefined,
      }).complete({ model: 'google/gemini-2.5-pro', messages: [{ role: 'user', content: 'hi' }] });
      // A row an Edge worker left pending (Edge connections hold no lease: no owner), two minutes old.
      await h.server.db.query(
        `insert into api_usage (id, request_id, user_id, endpoint, model, status, generation_id, instance_id, created_at)
         values ($1, $2, $3, 'chat', 'google/gemini-2.5-pro', 'pending', $4, null, now() - interval '2 minutes')`,
        [randomUUID(), randomUUID(), user!.id, completion.generationId],
      );
      // A turn a worker spooled to the database (its commit failed) before the worker ended.
      const spooledRow = randomUUID();
      const requestId = randomUUID();
      await h.server.db.query(
        `insert into api_usage (id, request_id, user_id, endpoint, model, status, instance_id)
         values ($1, $2, $3, 'chat', 'google/gemini-2.5-pro', 'pending', null)`,
        [spooledRow, requestId, user!.id],
      );
      await h.server.db.query('insert into turn_spool (row_id, record) values ($1, $2::jsonb)', [
        spooledRow,
        JSON.stringify({
          rowId: spooledRow,
          settlement: { status: 'ok', costSource: 'usage', costUsd: '0.000007' },
          message: {
            id: randomUUID(),
            userId: user!.id,
            requestId,
            content: 'spooled by a worker that ended',
          },
          endedAt: new Date().toISOString(),
        }),
      ]);
      const call = (authorization: string) =>
        fetch(`${edge.url}/v1/ops/reconcile`, { method: 'POST', headers: { authorization } });
      expect((await call('Bearer wrong')).status).toBe(401);
      const response = await call(`Bearer ${RECONCILE_SECRET}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ settled: 1, waiting: 0, replayed_from_spool: 1 });
      const stored = await h.server.db.query(
        `select 1 from chat_messages where request_id = $1 and content = 'spooled by a worker that ended'`,
        [requestId],
      );
      expect(stored).toHaveLength(1);
      expect(await h.server.db.query('select 1 from turn_spool')).toEqual([]);
      const [row] = await h.server.db.query<{ status: string; cost: string }>(
        'select status, cost_usd::text as cost from api_usage where generation_id = $1',
        [completion.generationId],
      );
      expect(row).toEqual({ status: 'ok', cost: '0.000123' });
    });

    it('answers 503 JSON when misconfigured, naming nothing secret', async () => {
      const broken = await startEdgeFunction({
        SUPABASE_DB_URL: h.databaseUrl!,
        OPENROUTER_MODEL: 'not-a-model',
      });
      try {
        const response = await fetch(`${broken.url}/healthz`);
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({ error: { code: 'service_unavailable' } });
      } finally {
        broken.child.kill();
      }
    });
  },
);
