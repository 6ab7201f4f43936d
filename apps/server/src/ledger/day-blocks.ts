/**
 * Aligned blocks of days, as `usage_rollup_user_blocks` keeps them: a block of level L covers
 * 2^L days starting at a multiple of 2^L days since 1970-01-01 (levels 0 to 8: 1 to 256 days).
 */
export interface DayBlock {
  level: number;
  /** First day, YYYY-MM-DD. */
  start: string;
}

export const MAX_BLOCK_LEVEL = 8;

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
const dayText = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

export interface DayRange {
  /** First day counted, YYYY-MM-DD. */
  from: string;
  /** Last day counted, YYYY-MM-DD. */
  to: string;
  /** No data before `from`: blocks may start earlier. */
  openStart?: boolean;
  /** No data after `to`: blocks may end later. */
  openEnd?: boolean;
}

/**
 * The fewest aligned blocks that cover `from`..`to` exactly (at most two per level), or, at an
 * open side, a little beyond it where there is no data: fewer blocks, the same sums.
 *
 * @example dayBlocks({ from: '2026-01-01', to: '2026-01-04' })
 * // [{ level: 1, start: '2026-01-01' }, { level: 1, start: '2026-01-03' }]
 */
export function dayBlocks(range: DayRange): DayBlock[] {
  const top = 2 ** MAX_BLOCK_LEVEL;
  let first = dayNumber(range.from);
  let last = dayNumber(range.to);
  if (last < first) return [];
  if (range.openStart) first = Math.floor(first / top) * top;
  if (range.openEnd) last = (Math.floor(last / top) + 1) * top - 1;
  const blocks: DayBlock[] = [];
  for (let day = first; day <= last; ) {
    let level = MAX_BLOCK_LEVEL;
    while (level > 0 && (day % 2 ** level !== 0 || day + 2 ** level - 1 > last)) level--;
    blocks.push({ level, start: dayText(day) });
    day += 2 ** level;
  }
  return blocks;
}
