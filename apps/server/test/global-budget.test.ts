import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresDb } from '../src/db/postgres.ts';
import type { Db } from '../src/db/types.ts';
import { type BudgetConfig, Budgets, NO_BUDGETS } from '../src/ledger/budgets.ts';
import { type Attempt, Ledger } from '../src/ledger/ledger.ts';
import { FileSpool } from '../src/ledger/spool.ts';
import { AppError } from '../src/shared/errors.ts';
import { type Harness, startHarness } from './support/harness.ts';

/** An odd amount, so a sum that overshoots the cap by one reservation cannot hide in rounding. */
const AMOUNT = '0.0137';
/** Calls racing in each round, each for its own user (so no user's row orders them). */
const RACERS = 16;
const ROUNDS = 12;

const OPEN_TURN = `select role, content from crux_open_chat_turn($1::uuid,
  coalesce((select version from climber_context_versions where user_id = $1::uuid), 0), 1000000, 10, $2::uuid,
  'hold on', $3::uuid, $4::uuid, 'google/gemini-2.5-pro', $5::numeric, 0, null, $6::numeric)`;

const ledgerOn = (db: Db, dir: string, budgets: BudgetConfig) =>
  new Ledger(db, new FileSpool(dir), () => {}, new Budgets(db, budgets));

const globalRows = async (db: Db) =>
  (await db.query<{ n: number }>(`select count(*)::int as n from spend_counters where scope = 'global'`))[0]!
    .n;

/**
 * Opens one call within the global cap, by the chat function (`crux_open_chat_turn`) or the
 * ledger (`Budgets.reserve`), on the given database, under `cap`; undefined when the cap refuses it.
 */
async function open(
  db: Db,
  ledger: Ledger,
  userId: string,
  byFunction: boolean,
  cap: string,
): Promise<Attempt | undefined> {
  const requestId = randomUUID();
  try {
    if (!byFunction)
      return await ledger.open(
        { requestId, userId, endpoint: 'recommendations', model: 'm' },
        { worstCaseUsd: AMOUNT },
      );
    const rowId = randomUUID();
    await db.query(OPEN_TURN, [userId, randomUUID(), requestId, rowId, AMOUNT, cap]);
    return { requestId, userId, endpoint: 'chat', model: 'google/gemini-2.5-pro', rowId };
  } catch (error) {
    const refused =
      (error instanceof AppError && error.code === 'budget_exceeded') ||
      (error instanceof Error && 'code' in error && error.code === 'CR004');
    if (refused) return undefined;
    throw error;
  }
}

describe('the global daily budget under concurrency', () => {
  let h: Harness;
  let second: Db;
  beforeAll(async () => {
    h = await startHarness();
    // On Postgres a second pool, as a second instance would have; PGlite has one connection.
    second = h.databaseUrl ? await openPostgresDb(h.databaseUrl, 10) : h.server.db;
  });
  afterAll(async () => {
    if (second !== h.server.db) await second.close();
    await h.close();
  });

  it('admits exactly one of many calls racing for the last slot, round after round, while settlements run', async () => {
    const users = await Promise.all(Array.from({ length: RACERS }, () => h.signup()));
    const dbs = [h.server.db, second];
    const dirs = dbs.map(() => mkdtempSync(join(tmpdir(), 'crux-global-')));
    let sampling = true;
    const seen: Big[] = [];
    // Reads spent + reserved as a reservation does, all along: never past the last round's cap.
    const sampler = (async () => {
      while (sampling) {
        const [row] = await second.query<{ total: string }>(
          'select (spent + reserved)::text as total from crux_global_spend_today()',
        );
        seen.push(new Big(row!.total));
      }
    })();
    const admitted: Attempt[] = [];
    const settling: Array<Promise<unknown>> = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Room for one more call and a half: exactly one of the racers may pass.
      const cap = new Big(AMOUNT).times(round + 0.5).toFixed();
      const ledgers = dbs.map((db, i) => ledgerOn(db, dirs[i]!, { ...NO_BUDGETS, globalDailyUsd: cap }));
      const passed = (
        await Promise.all(
          users.map((user, n) => open(dbs[n % 2]!, ledgers[n % 2]!, user.userId, n % 3 !== 0, cap)),
        )
      ).filter((attempt) => attempt !== undefined);
      expect(passed, `round ${round}`).toHaveLength(1);
      admitted.push(...passed);
      // Settled at exactly its reservation, while the next round reserves.
      settling.push(
        ledgers[round % 2]!.settle(passed[0]!, { status: 'ok', costSource: 'usage', costUsd: AMOUNT }),
      );
    }
    await Promise.all(settling);
    sampling = false;
    await sampler;
    const [sum] = await h.server.db.query<{ spent: string; ledger: string; pending: number }>(
      `select trim_scale(g.spent)::text as spent, (select trim_scale(sum(cost_usd))::text from api_usage) as ledger,
              (select count(*)::int from api_usage where status = 'pending') as pending
       from crux_global_spend_today() g`,
    );
    const total = new Big(AMOUNT).times(ROUNDS);
    expect(sum).toEqual({ spent: total.toFixed(), ledger: total.toFixed(), pending: 0 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((t) => t.lte(total))).toBe(true);
    expect(await globalRows(h.server.db)).toBe(0);
  }, 120_000);

  it('counts a call in flight until it settles, then its actual cost', async () => {
    const db = h.server.db;
    const before = (
      await db.query<{ spent: string }>('select spent::text from crux_global_spend_today()')
    )[0]!;
    const { userId } = await h.signup();
    const ledger = ledgerOn(db, mkdtempSync(join(tmpdir(), 'crux-global-')), {
      ...NO_BUDGETS,
      globalDailyUsd: '100',
    });
    const attempt = await ledger.open(
      { requestId: randomUUID(), userId, endpoint: 'recommendations', model: 'm' },
      { worstCaseUsd: '0.25' },
    );
    const during = (
      await db.query<{ reserved: string }>('select reserved::text from crux_global_spend_today()')
    )[0]!;
    expect(during.reserved).toBe('0.25');
    await ledger.settle(attempt, { status: 'ok', costSource: 'usage', costUsd: '0.0123456789' });
    const [after] = await db.query<{ spent: string; reserved: string }>(
      'select spent::text, reserved::text from crux_global_spend_today()',
    );
    expect(after).toEqual({ spent: new Big(before.spent).plus('0.0123456789').toFixed(), reserved: '0' });
  });

  it('writes no global row and takes no global lock without a global cap', async () => {
    const { userId } = await h.signup();
    const ledger = ledgerOn(h.server.db, mkdtempSync(join(tmpdir(), 'crux-global-')), NO_BUDGETS);
    // The lock row is held elsewhere (Postgres): a reservation without a cap must not wait for it.
    const holder = h.databaseUrl ? await openPostgresDb(h.databaseUrl, 1) : undefined;
    let release = () => {};
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const held = holder?.transaction(async (tx) => {
      await tx.query('select 1 from budget_global_lock for update');
      await new Promise<void>((resolve) => {
        release = resolve;
        locked();
      });
    });
    try {
      if (held) await isLocked;
      const call = (async () => {
        const attempt = await ledger.open(
          { requestId: randomUUID(), userId, endpoint: 'recommendations', model: 'm' },
          { worstCaseUsd: '0.01' },
        );
        await ledger.settle(attempt, { status: 'ok', costSource: 'usage', costUsd: '0.004' });
        return 'done';
      })();
      const late = new Promise((resolve) => setTimeout(() => resolve('waited for the global lock'), 5_000));
      expect(await Promise.race([call, late])).toBe('done');
    } finally {
      release();
      await held;
      await holder?.close();
    }
    expect(await globalRows(h.server.db)).toBe(0);
    const [user] = await h.server.db.query<{ spent: string; reserved: string }>(
      `select trim_scale(spent)::text as spent, trim_scale(reserved)::text as reserved from spend_counters where scope = $1`,
      [userId],
    );
    expect(user).toEqual({ spent: '0.004', reserved: '0' });
  });
});
