/**
 * The shape every `npm run bench` section reports in, and how it is printed: each figure with
 * the same load sent straight to the simulator (when that makes sense) and the goal beside it.
 */
export interface BenchFigure {
  /** What was measured, e.g. "time to first token p50". */
  label: string;
  /** Crux's figure, with its unit, e.g. "0.84 ms". */
  crux: string;
  /** The same load straight to the simulator, when there is such a baseline. */
  direct?: string | undefined;
  /** The goal, e.g. "overhead <= 1 ms". */
  goal: string;
  /** Whether the goal was met; undefined when it is informational. */
  met?: boolean | undefined;
}

export interface BenchSection {
  /** P1 … P4 (see the README's performance section). */
  id: string;
  title: string;
  /** How it ran: iterations, database, concurrency. */
  setup: string;
  figures: BenchFigure[];
}

export interface BenchOptions {
  /** A Postgres server (BENCH_DATABASE_URL); undefined: the embedded database. */
  databaseUrl: string | undefined;
}

export const formatMs = (ms: number): string => `${ms.toFixed(2)} ms`;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

export function printSection(section: BenchSection): void {
  console.log(`\n${section.id}  ${section.title}\n    ${section.setup}`);
  const width = Math.max(...section.figures.map((f) => f.label.length));
  for (const f of section.figures) {
    const verdict = f.met === undefined ? '    ' : f.met ? 'met ' : 'MISS';
    const direct = f.direct === undefined ? '' : `   direct ${f.direct}`;
    console.log(`  ${verdict} ${f.label.padEnd(width)}  crux ${f.crux}${direct}   goal ${f.goal}`);
  }
}
