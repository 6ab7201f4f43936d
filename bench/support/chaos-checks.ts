/**
 * What a chaos run must end with, as a list of breaches (empty: all held): the ledger equal to the
 * simulator's bill to the last digit, no row pending, no "ok" row without a cost, no budget
 * exceeded, and every answered chat whole and in its user's history (question before answer, once).
 */
import Big from 'big.js';
import { chatReply } from '../../apps/server/src/simulator/replies.ts';
import type { Outcome } from './chaos-mix.ts';

export interface LedgerRow {
  user_id: string;
  generation_id: string | null;
  status: string;
  cost_usd: string | null;
  error_code: string | null;
}

export interface BilledGeneration {
  id: string;
  totalCost: string;
  /** When the simulator billed it (ms since the epoch). */
  createdAt: number;
}

/** This run's ledger rows (`created_at >= since`), as the checks read them. */
export const LEDGER_ROWS_SQL = `select user_id::text, generation_id, status, cost_usd::text as cost_usd, error_code
  from api_usage where created_at >= $1::timestamptz`;

const sum = (values: Array<string | null>) =>
  values.reduce((total, v) => (v ? total.plus(v) : total), new Big(0));

export interface LedgerVerdict {
  problems: string[];
  ledgerTotal: string;
  billedTotal: string;
}

/** The ledger against the bill, and the budgets (per user and for everyone). */
export function checkLedger(
  rows: LedgerRow[],
  billed: BilledGeneration[],
  budgets: { user: string; global: string },
): LedgerVerdict {
  const problems: string[] = [];
  const pending = rows.filter((r) => r.status === 'pending').length;
  const okWithoutCost = rows.filter((r) => r.status === 'ok' && r.cost_usd === null).length;
  if (pending) problems.push(`${pending} ledger row(s) still pending`);
  if (okWithoutCost) problems.push(`${okWithoutCost} "ok" row(s) without a cost`);

  const byGeneration = new Map(rows.map((r) => [r.generation_id, r]));
  for (const generation of billed) {
    const row = byGeneration.get(generation.id);
    if (row?.cost_usd !== generation.totalCost)
      problems.push(`${generation.id}: billed ${generation.totalCost}, ledger ${row?.cost_usd ?? 'no row'}`);
  }
  const ledgerTotal = sum(rows.map((r) => r.cost_usd));
  const billedTotal = sum(billed.map((g) => g.totalCost));
  if (!ledgerTotal.eq(billedTotal))
    problems.push(`ledger ${ledgerTotal.toFixed()} ≠ billed ${billedTotal.toFixed()}`);

  const byUser = new Map<string, LedgerRow[]>();
  for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row]);
  for (const [user, own] of byUser) {
    const spent = sum(own.map((r) => r.cost_usd));
    if (spent.gt(budgets.user)) problems.push(`user ${user} spent ${spent.toFixed()} > ${budgets.user}`);
  }
  if (ledgerTotal.gt(budgets.global))
    problems.push(`all users spent ${ledgerTotal.toFixed()} > ${budgets.global}`);
  return { problems, ledgerTotal: ledgerTotal.toFixed(), billedTotal: billedTotal.toFixed() };
}

/**
 * Every answered chat of one user: the text the client got is the whole answer, and the history
 * (`contents`, oldest first) holds the question and then the answer, each once.
 */
export function checkHistory(outcomes: Outcome[], contents: string[]): string[] {
  const problems: string[] = [];
  for (const { answered, question } of outcomes) {
    if (answered === undefined || question === undefined) continue;
    if (answered !== chatReply(question))
      problems.push(`a chat answer reached the client incomplete: ${answered.slice(0, 60)}`);
    const asked = contents.indexOf(question);
    const answer = contents.indexOf(answered);
    if (asked === -1) problems.push(`an answered question is not in the history: ${question}`);
    if (answer === -1) problems.push(`a delivered chat answer is not in the history: ${question}`);
    else if (answer < asked) problems.push(`an answer is stored before its question: ${question}`);
    if (contents.lastIndexOf(answered) !== answer || contents.lastIndexOf(question) !== asked)
      problems.push(`a turn is stored twice: ${question}`);
  }
  return problems;
}
