import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cruxFor } from './support/cli.ts';
import { type Harness, startHarness } from './support/harness.ts';

const crux = cruxFor;

describe('operator views of spend', { timeout: 60_000 }, () => {
  let h: Harness;
  const admin = 'ops@crux.example';
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('shows every user’s usage to admins only, summed exactly', async () => {
    const climber = await h.signup();
    h.simulator.enqueue({ cost: '0.0000004' }, { cost: '0.1000006' });
    await h.chat(climber.token, 'one');
    await h.chat(climber.token, 'two');

    const forbidden = await h.request('/v1/admin/usage', { token: climber.token });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: 'forbidden' } });

    const { token } = await h.signup(admin);
    await h.stopServer(); // the embedded database belongs to one process
    expect((await crux(h, ['admin', 'grant', admin.toUpperCase()])).code).toBe(0);
    await h.restart();
    const response = await h.request('/v1/admin/usage?group_by=user', { token });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      total: { cost_usd: string };
      rows: Array<{ key: string; requests: number; cost_usd: string }>;
    };
    expect(body.rows.find((r) => r.key === climber.userId)).toEqual({
      key: climber.userId,
      requests: 2,
      tokens: expect.any(Number),
      cost_usd: '0.100001',
    });

    const own = (await (await h.request('/v1/usage?group_by=model', { token: climber.token })).json()) as {
      rows: Array<{ key: string; cost_usd: string }>;
    };
    expect(own.rows).toEqual([
      expect.objectContaining({ key: 'google/gemini-2.5-pro', cost_usd: '0.100001' }),
    ]);
  });

  it('filters the caller’s usage by UTC day', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ cost: '0.01' }, { cost: '0.02' });
    await h.chat(token, 'a');
    await h.chat(token, 'b');
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const usage = async (query: string) =>
      (await (await h.request(`/v1/usage?${query}`, { token })).json()) as {
        total: { requests: number; cost_usd: string };
        rows: Array<{ key: string; requests: number }>;
      };
    const byDay = await usage(`group_by=day&from=${today}&to=${today}`);
    expect(byDay.total).toMatchObject({ requests: 2, cost_usd: '0.03' });
    expect(byDay.rows).toEqual([expect.objectContaining({ key: today, requests: 2 })]);
    expect((await usage(`from=${tomorrow}`)).total).toMatchObject({ requests: 0, cost_usd: '0' });
  });

  it.runIf(process.env.CRUX_TEST_DB === 'embedded')(
    'refuses to open the embedded database while the server has it',
    async () => {
      const result = await crux(h, ['usage']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('open in another Crux process');
    },
  );

  it('reports the same totals through `crux usage`, creates users, and reconciles', async () => {
    const { token, email } = await h.signup();
    h.simulator.enqueue({ cost: '2.5' });
    await h.chat(token, 'three');
    await h.stopServer();

    const csv = await crux(h, ['usage', '--by', 'endpoint', '--csv']);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    const [header, chatRow] = lines;
    expect(header).toBe('endpoint,requests,tokens,cost_usd');
    expect(chatRow?.split(',')[0]).toBe('chat');
    // Every generation the simulator billed in this file was a chat: the report must match its log exactly.
    expect(new Big(chatRow!.split(',')[3]!).eq(h.simulator.billing.total())).toBe(true);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(`TOTAL,${chatRow!.split(',').slice(1).join(',')}`);
    // The credit goes to stderr, so the CSV stays a table.
    expect(csv.stderr).toContain('OpenRouter credit left:');

    const byUser = await crux(h, ['usage', '--by', 'user']);
    expect(byUser.code).toBe(0);
    expect(byUser.stdout).toMatch(new RegExp(`^${email.replaceAll('.', '\\.')}\\s+1\\s+\\d+\\s+2\\.5$`, 'm'));
    expect(byUser.stdout).toMatch(/^TOTAL\s/m);
    expect(byUser.stdout).toMatch(/OpenRouter credit left: \d/);

    const created = await crux(h, ['user', 'create', 'new.climber@example.com']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Access token \(7 days\): \S+\.\S+\.\S+/);
    const duplicate = await crux(h, ['user', 'create', 'new.climber@example.com']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');

    const reconcile = await crux(h, ['reconcile']);
    expect(reconcile.code).toBe(0);
    expect(reconcile.stdout).toMatch(/^Summary: settled 0 pending row.*0 still pending\.$/m);

    const migrate = await crux(h, ['migrate']);
    expect(migrate.stdout).toContain('up to date');
    await h.restart();
  });
});
