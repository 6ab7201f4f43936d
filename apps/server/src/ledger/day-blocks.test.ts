import { describe, expect, it } from 'vitest';
import { type DayBlock, dayBlocks, MAX_BLOCK_LEVEL } from './day-blocks.ts';

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayText = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** Every day the blocks cover, in order, checking that each block is aligned. */
function coveredDays(blocks: DayBlock[]): number[] {
  const days: number[] = [];
  for (const block of blocks) {
    const start = dayNumber(block.start);
    const size = 2 ** block.level;
    expect(start % size, `${block.start} aligned to ${size} days`).toBe(0);
    for (let d = start; d < start + size; d++) days.push(d);
  }
  return days;
}

describe('dayBlocks', () => {
  it('covers a closed range exactly, with at most two blocks per level', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 500; i++) {
      const first = 20_000 + random(1_000);
      const last = first + random(400);
      const blocks = dayBlocks({ from: dayText(first), to: dayText(last) });
      const days = coveredDays(blocks);
      expect(days).toEqual(Array.from({ length: last - first + 1 }, (_, k) => first + k));
      for (let level = 0; level <= MAX_BLOCK_LEVEL; level++)
        expect(blocks.filter((b) => b.level === level).length).toBeLessThanOrEqual(2);
    }
  });

  it('splits a short range into aligned blocks', () => {
    expect(dayBlocks({ from: '2026-01-01', to: '2026-01-04' })).toEqual([
      { level: 1, start: '2026-01-01' },
      { level: 1, start: '2026-01-03' },
    ]);
    expect(dayBlocks({ from: '2026-11-26', to: '2026-11-26' })).toEqual([{ level: 0, start: '2026-11-26' }]);
  });

  it('reaches past an open side, never past a closed one', () => {
    const from = dayNumber('2026-08-29');
    const to = dayNumber('2026-11-26');
    const closed = dayBlocks({ from: dayText(from), to: dayText(to) });
    const open = dayBlocks({ from: dayText(from), to: dayText(to), openStart: true, openEnd: true });
    expect(open.length).toBeLessThan(closed.length);
    const days = coveredDays(open);
    for (let d = from; d <= to; d++) expect(days).toContain(d);
    const startOnly = coveredDays(dayBlocks({ from: dayText(from), to: dayText(to), openStart: true }));
    expect(Math.max(...startOnly)).toBe(to);
    expect(Math.min(...startOnly)).toBeLessThanOrEqual(from);
  });

  it('gives nothing for an empty range', () => {
    expect(dayBlocks({ from: '2026-02-02', to: '2026-02-01' })).toEqual([]);
  });
});
