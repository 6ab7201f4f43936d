/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and lists where the CPU went: the functions with
 * the most self time, and the same grouped by package or file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchFigure } from '../report.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuItem {
  name: string;
  share: number;
}

/** Where a frame lives: a package, a Node internal, or a file of Crux. */
function placeOf(url: string): string {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules?.[1]) return inModules[1];
  if (url.startsWith('node:')) return url;
  if (!url) return '(native or V8)';
  const file = /apps\/server\/(?:src|dist)\/(.*)$/.exec(url);
  return file?.[1] ?? url.split('/').slice(-2).join('/');
}

/** A span of the monotonic clock in microseconds (`process.hrtime.bigint() / 1000n`, as V8 stamps samples). */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

/** Now on the clock V8 stamps profile samples with (CLOCK_MONOTONIC), in microseconds. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * The top `count` functions by self time and the top places, from the newest profile in `dir`;
 * with `window`, only the samples taken within it (e.g. the measured calls, not the start-up).
 */
export function summarizeCpuProfile(
  dir: string,
  count = 12,
  window?: ProfileWindow,
): { functions: CpuItem[]; places: CpuItem[]; sampledMs: number } {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .at(-1);
  if (!file) return { functions: [], places: [], sampledMs: 0 };
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const hitsOf = window ? hitsWithin(profile, window) : undefined;
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = hitsOf ? (hitsOf.get(node.id) ?? 0) : (node.hitCount ?? 0);
    const { functionName, url, lineNumber } = node.callFrame;
    if (hits === 0 || functionName === '(idle)') continue;
    total += hits;
    const place = placeOf(url);
    const name = `${functionName || '(anonymous)'} ${place}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    byPlace.set(place, (byPlace.get(place) ?? 0) + hits);
  }
  const top = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, hits]) => ({ name, share: hits / total }));
  // Each sample stands for one sampling interval (--cpu-prof-interval, 1 ms by default).
  const sampledMs = (total * averageIntervalUs(profile)) / 1000;
  return { functions: top(byFunction), places: top(byPlace), sampledMs };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Samples per node id, counting only those stamped within the window. */
function hitsWithin(profile: CpuProfile, window: ProfileWindow): Map<number, number> {
  const hits = new Map<number, number>();
  let at = profile.startTime;
  for (const [i, id] of (profile.samples ?? []).entries()) {
    at += profile.timeDeltas?.[i] ?? 0;
    if (at >= window.fromUs && at <= window.toUs) hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  return hits;
}

function averageIntervalUs(profile: CpuProfile): number {
  const count = profile.samples?.length ?? 0;
  return count > 0 ? (profile.endTime - profile.startTime) / count : 1000;
}

/** A profile's top functions and places as bench figures (`cpu #1` …, `cpu by place #1` … the first 8). */
export function cpuFigures(cpu: { functions: CpuItem[]; places: CpuItem[] } | undefined): BenchFigure[] {
  const figure = (label: string, item: CpuItem): BenchFigure => ({
    label,
    crux: `${(item.share * 100).toFixed(1)} % ${item.name}`,
    goal: 'profile',
  });
  return [
    ...(cpu?.functions ?? []).map((item, i) => figure(`cpu #${i + 1}`, item)),
    ...(cpu?.places ?? []).slice(0, 8).map((item, i) => figure(`cpu by place #${i + 1}`, item)),
  ];
}
