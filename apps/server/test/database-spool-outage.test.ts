import { EventSourceParserStream } from 'eventsource-parser/stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseSpool } from '../src/ledger/database-spool.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { expectLedgerEqualsBill } from './support/ledger-check.ts';
import { proxyDatabase, type TcpProxy } from './support/tcp-proxy.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

// A real network fault between Crux and Postgres while a turn is saved, with the spool in the
// database (CRUX_SPOOL=database, as on Edge Functions): the spool insert waits for the database.
describe.runIf(process.env.CRUX_TEST_DB === 'postgres')('the database spool across a cut connection', () => {
  let h: Harness;
  let proxy: TcpProxy;
  let direct: pg.Client;

  beforeAll(async () => {
    h = await startHarness({
      rewriteDatabaseUrl: async (url) => {
        const proxied = await proxyDatabase(url);
        proxy = proxied.proxy;
        return proxied.url;
      },
      env: { CRUX_SPOOL: 'database' },
      server: { spoolRetryMs: 300 },
    });
    direct = new pg.Client({ connectionString: h.databaseUrl });
    await direct.connect();
  });
  afterAll(async () => {
    proxy.restore();
    await direct.end();
    await h.close();
    await proxy.stop();
  });

  it('spools a turn ended while the database is away once it returns, before the usage event, and writes it', async () => {
    const { token, userId } = await h.signup();
    h.simulator.enqueue({ chunkDelayMs: 100, content: 'an answer that ends while the database is away' });
    const response = await fetch(`${h.url}/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'the question' }),
    });
    let text = '';
    let usageAt = 0;
    let restoredAt = 0;
    let cut = false;
    const events = response
      .body!.pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream());
    let restoring: Promise<void> | undefined;
    for await (const event of events) {
      if (event.data === '[DONE]') break;
      const parsed = JSON.parse(event.data) as { type: string; content?: string };
      if (parsed.type === 'delta') {
        text += parsed.content;
        if (!cut) {
          cut = true;
          proxy.cut();
          restoring = sleep(2_500).then(() => {
            restoredAt = Date.now();
            proxy.restore();
          });
        }
      }
      if (parsed.type === 'usage') usageAt = Date.now();
      expect(parsed.type).not.toBe('error');
    }
    await restoring;
    // The usage event waited for the spool entry, which waited for the database.
    expect(usageAt).toBeGreaterThanOrEqual(restoredAt);
    expect(text).toBe('an answer that ends while the database is away');

    // The spool retry writes it; the entry leaves the table in the same transaction.
    await until('the answer is stored', async () => {
      const { rows } = await direct.query(
        `select 1 from chat_messages where user_id = $1 and role = 'assistant' and content = $2`,
        [userId, text],
      );
      return rows.length === 1;
    });
    await until('turn_spool is empty', async () => {
      const { rows } = await direct.query<{ n: number }>('select count(*)::int as n from turn_spool');
      return rows[0]!.n === 0;
    });
    await h.settled();
    await expectLedgerEqualsBill(h);
  });

  it('gives up on the spool insert after its bound when the database stays away', async () => {
    try {
      const spool = new DatabaseSpool(h.server.db, { appendWithinMs: 800 });
      proxy.cut();
      const started = Date.now();
      await expect(
        spool.append({
          rowId: '00000000-0000-4000-8000-000000000000',
          settlement: { status: 'ok', costSource: 'none' },
        }),
      ).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      proxy.restore();
    }
  });
});
