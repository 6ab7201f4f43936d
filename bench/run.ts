/**
 * npm run bench: the performance goals, each figure beside the same load sent straight to the
 * simulator and its goal. BENCH_DATABASE_URL runs on a Postgres server (default: the embedded
 * database); BENCH_ONLY=P1,P3 runs some sections. Not part of `npm test`.
 */
import { runP1 } from './p1-ttft.ts';
import { runP2 } from './p2-streams.ts';
import { runP3 } from './p3-throughput.ts';
import { runP4 } from './p4-scale.ts';
import { type BenchOptions, type BenchSection, printSection } from './report.ts';

const SECTIONS: Record<string, (options: BenchOptions) => Promise<BenchSection>> = {
  P1: runP1,
  P2: runP2,
  P3: runP3,
  P4: runP4,
};

const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim().toUpperCase());
const options: BenchOptions = { databaseUrl: process.env.BENCH_DATABASE_URL || undefined };
let missed = 0;
for (const [id, run] of Object.entries(SECTIONS)) {
  if (only && !only.includes(id)) continue;
  process.stderr.write(`running ${id}…\n`);
  const section = await run(options);
  printSection(section);
  missed += section.figures.filter((f) => f.met === false).length;
}
console.log(`\n${missed === 0 ? 'Every goal met.' : `${missed} goal(s) missed.`}`);
