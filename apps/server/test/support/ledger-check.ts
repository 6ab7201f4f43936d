import Big from 'big.js';
import { expect } from 'vitest';
import type { Harness } from './harness.ts';
import { expectRollupsEqualLedger } from './rollup-check.ts';

interface Row {
  id: string;
  generation_id: string | null;
  status: string;
  cost_usd: string | null;
  finish_reason: string | null;
}

/**
 * The invariants of the ledger against the simulator's bill: no row pending, no "ok" row
 * without a cost, every billed generation on exactly one row with exactly its cost, and the
 * sums equal to the last digit, and the usage rollups equal to the ledger. Returns both sums.
 */
export async function expectLedgerEqualsBill(h: Harness): Promise<{ ledger: string; billed: string }> {
  await h.settled();
  const rows = await h.server.db.query<Row>(
    'select id, generation_id, status, cost_usd::text as cost_usd, finish_reason from api_usage',
  );
  expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
  expect(rows.filter((r) => r.status === 'ok' && r.cost_usd === null)).toEqual([]);
  const byGeneration = new Map(rows.filter((r) => r.generation_id).map((r) => [r.generation_id, r]));
  for (const generation of h.simulator.billing.list()) {
    expect(byGeneration.get(generation.id)?.cost_usd, `ledger row of ${generation.id}`).toBe(
      generation.totalCost,
    );
  }
  const ledger = rows.reduce((sum, r) => (r.cost_usd ? sum.plus(r.cost_usd) : sum), new Big(0)).toFixed();
  const billed = h.simulator.billing.total();
  expect(ledger).toBe(billed);
  await expectRollupsEqualLedger(h.server.db);
  return { ledger, billed };
}
