import type { Db } from '../db/types.ts';
import type { OpenRouterClient } from '../llm/openrouter-client.ts';
import type { GenerationStats } from '../llm/types.ts';
import type { Ledger } from './ledger.ts';
import type { Endpoint, FinalStatus } from './settlement.ts';
import { billingFromGeneration } from './settlement.ts';

export interface ReconcileReport {
  /** Rows settled from the generation stats. */
  settled: number;
  /** Rows whose generation the upstream does not report yet: tried again on the next sweep. */
  waiting: number;
  /** Rows that never got a generation id (the call never reached the upstream) and were closed with no cost. */
  closedWithoutGeneration: number;
  /** Spooled settlements applied. */
  replayedFromSpool: number;
}

interface PendingRow {
  id: string;
  request_id: string;
  user_id: string;
  endpoint: Endpoint;
  model: string;
  generation_id: string | null;
  error_code: string | null;
  age_ms: number;
}

export const CLIENT_DISCONNECTED = 'client_disconnected';
/** error codes of an answer that arrived but failed validation (see coach/recommendation-schema.ts). */
const INVALID_OUTPUT_CODES = new Set(['invalid_json', 'schema_mismatch']);

/**
 * Settles `pending` rows left by a crash or by a generation lookup that gave up: the cost comes
 * from `GET /generation`. Run at start, by a periodic sweep, and by `crux reconcile`.
 */
export class Reconciler {
  constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    private readonly client: OpenRouterClient,
    /** A row without a generation id this old can no longer get one. */
    private readonly orphanAfterMs = 15 * 60_000,
  ) {}

  async run(olderThanMs: number): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      settled: 0,
      waiting: 0,
      closedWithoutGeneration: 0,
      replayedFromSpool: 0,
    };
    report.replayedFromSpool = await this.ledger.replaySpool();
    const rows = await this.db.query<PendingRow>(
      `select id, request_id, user_id, endpoint, model, generation_id, error_code,
              (extract(epoch from (now() - created_at)) * 1000)::float8 as age_ms
       from api_usage where status = 'pending' and created_at <= now() - make_interval(secs => $1::float8 / 1000)
       order by created_at limit 500`,
      [olderThanMs],
    );
    for (const row of rows) {
      const attempt = {
        rowId: row.id,
        requestId: row.request_id,
        userId: row.user_id,
        endpoint: row.endpoint,
        model: row.model,
      };
      if (!row.generation_id) {
        if (row.age_ms < this.orphanAfterMs) {
          report.waiting++;
          continue;
        }
        await this.ledger.settle(attempt, {
          status: 'error',
          costSource: 'none',
          errorCode: row.error_code ?? 'no_generation_id',
        });
        report.closedWithoutGeneration++;
        continue;
      }
      const stats = await this.client.getGeneration(row.generation_id).catch(() => undefined);
      if (!stats) {
        report.waiting++;
        continue;
      }
      await this.ledger.settle(attempt, {
        status: statusFor(row.error_code, stats),
        servedModel: stats.model,
        ...billingFromGeneration(stats),
      });
      report.settled++;
    }
    return report;
  }
}

function statusFor(errorCode: string | null, stats: GenerationStats): FinalStatus {
  if (errorCode === CLIENT_DISCONNECTED || stats.cancelled) return 'aborted';
  if (errorCode && INVALID_OUTPUT_CODES.has(errorCode)) return 'invalid_output';
  if (errorCode) return 'error';
  return 'ok';
}
