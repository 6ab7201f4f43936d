import type { UsageRecord } from '@crux/contracts';

const COLUMNS = [
  'created_at',
  'endpoint',
  'model',
  'served_model',
  'status',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cost_usd',
  'cost_source',
  'latency_ms',
  'generation_id',
  'error_code',
] as const satisfies ReadonlyArray<keyof UsageRecord>;

const cell = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Ledger rows as CSV (RFC 4180), amounts exactly as the server sent them. */
export function recordsCsv(records: readonly UsageRecord[]): string {
  const lines = [COLUMNS.join(',')];
  for (const record of records) lines.push(COLUMNS.map((column) => cell(record[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
