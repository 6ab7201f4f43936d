#!/usr/bin/env -S node --max-semi-space-size=8 --optimize-for-size
// --max-semi-space-size=8 --optimize-for-size (also in `npm start` and the P1-P3 benches): V8's
// young generation otherwise grows to 64 MB under load (16 MB costs a few more scavenges), and
// V8 lets the old generation grow far past what is live before it collects: with 1,000 open
// streams the peak RSS fell from 324 to 205 MB with --optimize-for-size (README, Performance).
// Runs the compiled CLI (apps/server/dist), building it first when it is missing or older than a
// source it was built from (scripts/build.ts, loaded by Node's own type stripping). Build notes go
// to stderr, so a command's output (e.g. `crux usage --csv`) stays clean.
import { pathToFileURL } from 'node:url';

if (!process.features.typescript) {
  console.error(
    `crux: needs Node 24 or newer (this is ${process.version}); npm start and npx crux use the pinned one`,
  );
  process.exit(2);
}
const { ensureServerBuild, SERVER_BUILD } = await import('../scripts/build.ts');
const command = process.argv[2];
await ensureServerBuild((line) => console.error(line), command !== 'serve' && command !== 'demo');
process.setSourceMapsEnabled(true);
await import(pathToFileURL(SERVER_BUILD).href);
