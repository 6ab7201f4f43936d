import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminUsageSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminGrants } from '../src/users/admin-grants.ts';
import { type Harness, startHarness } from './support/harness.ts';

/** A local Slack-style webhook receiver: records every JSON body; answers `statuses` in turn, then 200. */
class Receiver {
  readonly bodies: unknown[] = [];
  readonly statuses: number[] = [];
  private readonly server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on('end', () => {
      this.bodies.push({ contentType: req.headers['content-type'], body: JSON.parse(text) as unknown });
      res.writeHead(this.statuses.shift() ?? 200).end('ok');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/crux`;
  }

  texts(): string[] {
    return this.bodies.map((b) => (b as { body: { text: string } }).body.text);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('credit and alerts', { timeout: 60_000 }, () => {
  const receiver = new Receiver();
  let h: Harness;
  const admin = 'ops@crux.example';
  beforeAll(async () => {
    const webhook = await receiver.start();
    receiver.statuses.push(500); // the first POST fails: the alert must be tried again
    h = await startHarness({
      simulator: { totalCredits: '3.5' },
      env: { CREDIT_WARN_USD: '5', ALERT_WEBHOOK_URL: webhook },
      server: { pendingAlertAfterMs: 60_000 },
    });
  });
  afterAll(async () => {
    await h.close();
    await receiver.stop();
  });

  it('alerts once per day when the credit is below CREDIT_WARN_USD, retrying a failed POST', async () => {
    // The start's check hit the 500; the next check sends it; later checks stay quiet.
    expect(receiver.bodies).toHaveLength(1);
    await h.server.monitor.check();
    await h.server.monitor.check();
    expect(receiver.bodies).toHaveLength(2);
    expect(receiver.bodies[1]).toEqual({
      contentType: 'application/json',
      body: { text: expect.stringContaining('OpenRouter credit left: 3.5 USD') },
    });
    expect(receiver.texts()[1]).toContain('below CREDIT_WARN_USD (5 USD)');
  });

  it('shows the credit left in the admin usage API and /metrics', async () => {
    const { token, userId } = await h.signup(admin);
    await new AdminGrants(h.server.db).grant(userId); // as `crux admin grant` does
    h.simulator.enqueue({ cost: '0.25' });
    await h.chat(token, 'hello');
    await h.settled();
    const body = adminUsageSchema.parse(await (await h.request('/v1/admin/usage', { token })).json());
    // The credit is read at most once a minute: the start's figure.
    expect(body.credit).toEqual({
      total_credits: '3.5',
      total_usage: '0',
      remaining_usd: '3.5',
      warn_below_usd: '5',
      low: true,
    });
    const metrics = await (await h.request('/metrics')).text();
    expect(metrics).toMatch(/^crux_openrouter_credit_remaining_usd 3\.5$/m);
    expect(metrics).toMatch(/^crux_openrouter_credit_low 1$/m);
  });

  it('alerts once when rows wait for settlement too long', async () => {
    const { userId } = await h.signup();
    for (const minutes of [5, 20])
      await h.server.db.query(
        `insert into api_usage (id, request_id, user_id, endpoint, model, status, created_at)
         values (gen_random_uuid(), gen_random_uuid(), $1, 'chat', 'google/gemini-2.5-pro', 'pending',
                 now() - make_interval(mins => $2))`,
        [userId, minutes],
      );
    await h.server.monitor.check();
    await h.server.monitor.check();
    const backlog = receiver.texts().filter((text) => text.includes('waited for settlement'));
    expect(backlog).toHaveLength(1);
    expect(backlog[0]).toMatch(
      /^Crux: 2 ledger row\(s\) have waited for settlement longer than 1 min \(oldest: 20 min\)/,
    );
  });
});

describe('global daily budget alerts', { timeout: 60_000 }, () => {
  const receiver = new Receiver();
  let h: Harness;
  beforeAll(async () => {
    const webhook = await receiver.start();
    h = await startHarness({
      env: { GLOBAL_DAILY_BUDGET_USD: '1', ALERT_WEBHOOK_URL: webhook },
      server: { sweepIntervalMs: 200 }, // the budget is checked after every sweep
    });
  });
  afterAll(async () => {
    await h.close();
    await receiver.stop();
  });

  const budgetTexts = () => receiver.texts().filter((text) => text.includes('global daily budget'));
  const waitFor = async (count: number) => {
    for (let i = 0; i < 100 && budgetTexts().length < count; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
  };

  it('alerts once at 80% and once at 100% of GLOBAL_DAILY_BUDGET_USD', async () => {
    const { token } = await h.signup();
    for (const cost of ['0.45', '0.4']) {
      h.simulator.enqueue({ cost });
      await h.chat(token, 'hello');
    }
    await h.settled();
    await waitFor(1);
    expect(budgetTexts()).toEqual([
      "Crux: today's spend 0.85 USD has reached 80% of the global daily budget (1 USD).",
    ]);

    h.simulator.enqueue({ cost: '0.2' });
    await h.chat(token, 'hello');
    await h.settled();
    await waitFor(2);
    await h.server.monitor.check();
    await h.server.sweeper.sweep();
    expect(budgetTexts()).toEqual([
      "Crux: today's spend 0.85 USD has reached 80% of the global daily budget (1 USD).",
      "Crux: today's spend 1.05 USD has reached 100% of the global daily budget (1 USD).",
    ]);
  });
});
