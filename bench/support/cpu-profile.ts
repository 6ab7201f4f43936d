/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and lists where the CPU went: the functions with
 * the most self time, and the same grouped by package or file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** The top `count` functions by self time and the top places, from the newest profile in `dir`. */
export function summarizeCpuProfile(dir: string, count = 12): { functions: CpuItem[]; places: CpuItem[] } {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .at(-1);
  if (!file) return { functions: [], places: [] };
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
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
  return { functions: top(byFunction), places: top(byPlace) };
}
