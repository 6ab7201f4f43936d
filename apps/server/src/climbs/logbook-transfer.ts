import { type ImportReport, type LogbookExport, newClimbSchema } from '@crux/contracts';
import { AppError } from '../shared/errors.ts';
import { describeIssues, issueText } from '../shared/zod-issues.ts';
import { toClimbValues } from './climb-values.ts';
import type { ClimbsRepo, ClimbValues } from './climbs-repo.ts';
import { climbsToCsv, parseClimbsCsv } from './logbook-csv.ts';

/** The most climbs one import takes (the request body is capped at `IMPORT_MAX_BYTES` too). */
export const IMPORT_MAX_ROWS = 5000;
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;

/** The whole logbook out (CSV or JSON) and a CSV back in, validated row by row. */
export class LogbookTransfer {
  constructor(private readonly repo: ClimbsRepo) {}

  /** Every climb, newest first. */
  async exportJson(userId: string): Promise<LogbookExport> {
    return { climbs: await this.repo.all(userId) };
  }

  async exportCsv(userId: string): Promise<string> {
    return climbsToCsv(await this.repo.all(userId));
  }

  /**
   * Imports a CSV in the export's format. Each row is validated like `POST /v1/climbs`; the valid
   * ones go in together in one transaction, the refused ones come back with their reasons.
   */
  async importCsv(userId: string, csv: string, now = Date.now()): Promise<ImportReport> {
    const accepted: ClimbValues[] = [];
    const refused: ImportReport['refused'] = [];
    for (const parsed of parseClimbsCsv(csv, IMPORT_MAX_ROWS)) {
      const outcome = 'error' in parsed ? { errors: [parsed.error] } : validateRow(parsed.fields, now);
      if ('values' in outcome) accepted.push(outcome.values);
      else refused.push({ row: parsed.row, errors: outcome.errors });
    }
    if (accepted.length > 0) await this.repo.createMany(userId, accepted);
    return { imported: accepted.length, refused };
  }
}

/** One row through the same rules as a new climb: the schema, then the grade and date checks. */
function validateRow(
  fields: Record<string, unknown>,
  now: number,
): { values: ClimbValues } | { errors: string[] } {
  const parsed = newClimbSchema.safeParse(fields);
  if (!parsed.success) return { errors: describeIssues(parsed.error).map(issueText) };
  try {
    return { values: toClimbValues(parsed.data, now) };
  } catch (error) {
    if (error instanceof AppError) return { errors: [error.message] };
    throw error;
  }
}
