import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSpool, type SpooledTurn } from './spool.ts';
import type { TurnRecord } from './turn-record.ts';

const turn = (rowId: string): TurnRecord => ({
  rowId,
  settlement: { status: 'ok', costSource: 'usage', costUsd: '0.0000001' },
});

describe('FileSpool', () => {
  let dir: string;
  let spool: FileSpool;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crux-spool-'));
    spool = new FileSpool(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies entries in order and keeps the first refused one and all after it, in order', async () => {
    for (const id of ['a', 'b', 'c', 'd']) await spool.append(turn(id));
    const seen: string[] = [];
    const applied = await spool.drain(async (entry) => {
      if (entry.rowId === 'c') throw new Error('database away');
      seen.push(entry.rowId);
    });
    expect(applied).toBe(2);
    expect(seen).toEqual(['a', 'b']);

    const rest: string[] = [];
    expect(await spool.drain(async (entry) => void rest.push(entry.rowId))).toBe(2);
    expect(rest).toEqual(['c', 'd']);
    expect(await spool.size()).toBe(0);
  });

  it('keeps what is appended while a drain runs, after the entries left over', async () => {
    await spool.append(turn('a'));
    await spool.append(turn('b'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const draining = spool.drain(async (entry: SpooledTurn) => {
      if (entry.rowId === 'b') throw new Error('database away');
      await gate;
    });
    await spool.append(turn('c')); // not held up by the drain
    release();
    expect(await draining).toBe(1);

    const order: string[] = [];
    await spool.drain(async (entry) => void order.push(entry.rowId));
    expect(order).toEqual(['b', 'c']);
  });

  it('shares one running drain between callers, so nothing is applied twice by one process', async () => {
    await spool.append(turn('a'));
    let calls = 0;
    const apply = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    expect(await Promise.all([spool.drain(apply), spool.drain(apply)])).toEqual([1, 1]);
    expect(calls).toBe(1);
  });

  it('skips a line torn by a crash without losing the next entry', async () => {
    await spool.append(turn('a'));
    appendFileSync(spool.path, '{"rowId":"torn","settl'); // a crash mid-write
    await spool.append(turn('b'));
    const order: string[] = [];
    expect(await spool.drain(async (entry) => void order.push(entry.rowId))).toBe(2);
    expect(order).toEqual(['a', 'b']);
  });
});
