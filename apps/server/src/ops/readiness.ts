import type { Db } from '../db/types.ts';
import type { OpenRouterAccount } from '../llm/account.ts';
import { UpstreamError } from '../llm/errors.ts';

export interface CheckResult {
  ok: boolean;
  /** Why not, in words an operator can act on. */
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { database: CheckResult; upstream: CheckResult };
}

function upstreamProblem(error: unknown): string {
  if (!(error instanceof UpstreamError)) return 'the upstream answered in an unexpected way';
  if (error.kind === 'unauthorized')
    return 'the upstream rejected OPENROUTER_API_KEY (401): create a key at https://openrouter.ai/keys';
  if (error.kind === 'network')
    return `the upstream (OPENROUTER_BASE_URL) cannot be reached from here: ${error.message}`;
  if (error.kind === 'timeout') return 'the upstream (OPENROUTER_BASE_URL) did not answer in time';
  return `the upstream key check failed: ${error.message}`;
}

/**
 * Readiness: the database answers and the upstream accepts the key (`GET /key`). A good key
 * check is kept for `upstreamTtlMs`, so frequent probes do not each call OpenRouter.
 */
export class Readiness {
  private upstreamOkAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Db,
    private readonly account: OpenRouterAccount,
    private readonly upstreamTtlMs = 30_000,
  ) {}

  async check(): Promise<ReadinessReport> {
    const [database, upstream] = await Promise.all([this.database(), this.upstream()]);
    return { ready: database.ok && upstream.ok, checks: { database, upstream } };
  }

  private async database(): Promise<CheckResult> {
    try {
      await this.db.query('select 1');
      return { ok: true };
    } catch (error) {
      return { ok: false, error: `the database does not answer: ${(error as Error).message}` };
    }
  }

  private async upstream(): Promise<CheckResult> {
    if (Date.now() - this.upstreamOkAt < this.upstreamTtlMs) return { ok: true };
    try {
      await this.account.key();
      this.upstreamOkAt = Date.now();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: upstreamProblem(error) };
    }
  }
}

/** One log line: "ready" or what is not. */
export function describeReadiness(report: ReadinessReport): string {
  if (report.ready) return '[crux] ready: the database answers and the upstream accepts the key';
  const problems = Object.entries(report.checks)
    .filter(([, check]) => !check.ok)
    .map(([name, check]) => `${name}: ${check.error}`);
  return `[crux] NOT READY (GET /readyz answers 503): ${problems.join('; ')}`;
}
