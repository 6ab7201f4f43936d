import type { Climb } from '@crux/contracts';
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../shared/errors.ts';

/** The export's columns, in order. `id` and `grade_rank` are the server's: an import ignores them. */
export const CSV_COLUMNS = [
  'id',
  'created_at',
  'location',
  'climb_type',
  'grade_scale',
  'grade_value',
  'grade_rank',
  'outcome',
  'awkwardness',
  'style',
  'failure_reasons',
  'hold_color',
  'redemption_at',
  'notes',
] as const;

type Column = (typeof CSV_COLUMNS)[number];

const ASSIGNED_BY_SERVER: ReadonlySet<Column> = new Set(['id', 'grade_rank']);
const REQUIRED: readonly Column[] = ['location', 'climb_type', 'grade_scale', 'grade_value', 'outcome'];
const LISTS: ReadonlySet<Column> = new Set(['style', 'failure_reasons']);
/** Free text a spreadsheet could take for a formula; other columns hold enums, numbers and dates. */
const TEXT: ReadonlySet<Column> = new Set(['location', 'grade_value', 'hold_color', 'notes']);
/** Empty means "not given": the field's default (no awkwardness, no colour, logged now). */
const OMITTED_WHEN_EMPTY: ReadonlySet<Column> = new Set([
  'awkwardness',
  'hold_color',
  'redemption_at',
  'created_at',
]);

/** The separator of list cells (`Slab;Crimp`). */
export const LIST_SEPARATOR = ';';

/**
 * Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to a
 * spreadsheet: the export prefixes it with `'`, the usual "this is text" mark. Text already
 * starting with `'` gets one too, so an import can always remove exactly one.
 */
const protect = (text: string) => (/^[=+\-@\t\r']/.test(text) ? `'${text}` : text);
const unprotect = (text: string) => (text.startsWith("'") ? text.slice(1) : text);

function cell(climb: Climb, column: Column): string {
  const value = climb[column];
  if (value === null) return '';
  if (Array.isArray(value)) return value.join(LIST_SEPARATOR);
  if (typeof value === 'number') return String(value);
  return TEXT.has(column) ? protect(value) : value;
}

/** The logbook as CSV: a header row, one climb a row, lists joined with `;`, quoted where needed. */
export function climbsToCsv(climbs: readonly Climb[]): string {
  return stringify(
    climbs.map((climb) => CSV_COLUMNS.map((column) => cell(climb, column))),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

/** One data row of an import: the fields to validate as a new climb, or why it cannot be read. */
export type CsvRow = { row: number; fields: Record<string, unknown> } | { row: number; error: string };

/**
 * Reads an import in the export's format: a header row naming the columns in any order, then one
 * climb a row. `row` counts records from the header (row 1), as a spreadsheet numbers them
 * (blank lines are skipped).
 * Problems with the whole file (not CSV, no header, unknown or missing columns, too many rows)
 * throw `validation_failed` or `payload_too_large`; a row that cannot be read is returned as such.
 */
export function parseClimbsCsv(text: string, maxRows: number): CsvRow[] {
  const records = readRecords(text);
  const [header, ...rows] = records;
  if (!header)
    throw invalid(`The CSV is empty: its first row must name the columns, e.g. ${CSV_COLUMNS.join(',')}`);
  const columns = readHeader(header);
  if (rows.length > maxRows)
    throw new AppError('payload_too_large', `An import takes at most ${maxRows} climbs; split the file.`);
  return rows.map((record, index) => {
    const row = index + 2;
    if (record.length !== columns.length)
      return { row, error: `the row has ${record.length} cells, the header ${columns.length}` };
    return { row, fields: toFields(columns, record) };
  });
}

function readRecords(text: string): string[][] {
  try {
    return parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    });
  } catch (error) {
    if (error instanceof CsvError) throw invalid(`The body is not valid CSV: ${error.message}`);
    throw error;
  }
}

function readHeader(cells: readonly string[]): Column[] {
  const names = cells.map((name) => name.trim().toLowerCase());
  const known = new Set<string>(CSV_COLUMNS);
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw invalid(
      `Unknown column(s): ${unknown.map((n) => JSON.stringify(n)).join(', ')}; the columns are ${CSV_COLUMNS.join(', ')}.`,
    );
  }
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length > 0) throw invalid(`Repeated column(s): ${[...new Set(repeated)].join(', ')}.`);
  const missing = REQUIRED.filter((name) => !names.includes(name));
  if (missing.length > 0) throw invalid(`Missing column(s): ${missing.join(', ')}.`);
  return names as Column[];
}

function toFields(columns: readonly Column[], record: readonly string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    if (ASSIGNED_BY_SERVER.has(column)) return;
    const raw = record[i] ?? '';
    const text = column === 'notes' ? raw : raw.trim();
    if (text === '' && OMITTED_WHEN_EMPTY.has(column)) return;
    if (LISTS.has(column)) fields[column] = splitList(text);
    else if (column === 'awkwardness') fields[column] = /^-?\d+$/.test(text) ? Number(text) : text;
    else fields[column] = TEXT.has(column) ? unprotect(text) : text;
  });
  return fields;
}

const splitList = (text: string) =>
  text
    .split(LIST_SEPARATOR)
    .map((item) => item.trim())
    .filter((item) => item !== '');

const invalid = (message: string) => new AppError('validation_failed', message);
