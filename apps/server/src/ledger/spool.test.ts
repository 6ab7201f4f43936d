import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSpool, type SpooledTurn } from './spool.ts';
import { POISON_AFTER_ATTEMPTS } from './spool-drain.ts';
import type { TurnRecord } from './turn-record.ts';

/** What a lost connection throws (a fault that passes), and what a refused record throws (one that does not). */
const away = () => Object.assign(new Error('Connection terminated unexpectedly'), {});
const refused = () =>
  Object.assign(new Error('insert or update on table "chat_messages" violates foreign key constraint'), {
    code: '23503',
  });

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
    const result = await spool.drain(async (entry) => {
      if (entry.rowId === 'c') throw away();
      seen.push(entry.rowId);
    });
    expect(result).toEqual({ applied: 2, quarantined: [] });
    expect(seen).toEqual(['a', 'b']);

    const rest: string[] = [];
    expect((await spool.drain(async (entry) => void rest.push(entry.rowId))).applied).toBe(2);
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
      if (entry.rowId === 'b') throw away();
      await gate;
    });
    await spool.append(turn('c')); // not held up by the drain
    release();
    expect((await draining).applied).toBe(1);

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
    const results = await Promise.all([spool.drain(apply), spool.drain(apply)]);
    expect(results.map((r) => r.applied)).toEqual([1, 1]);
    expect(calls).toBe(1);
  });

  it('skips a line torn by a crash without losing the next entry', async () => {
    await spool.append(turn('a'));
    appendFileSync(spool.path, '{"rowId":"torn","settl'); // a crash mid-write
    await spool.append(turn('b'));
    const order: string[] = [];
    expect((await spool.drain(async (entry) => void order.push(entry.rowId))).applied).toBe(2);
    expect(order).toEqual(['a', 'b']);
  });

  it('moves an entry the database refuses for good aside at once, keeps it, and writes the ones after it', async () => {
    for (const id of ['a', 'poison', 'b']) await spool.append(turn(id));
    const written: string[] = [];
    const result = await spool.drain(async (entry) => {
      if (entry.rowId === 'poison') throw refused();
      written.push(entry.rowId);
    });
    expect(written).toEqual(['a', 'b']);
    expect(result.applied).toBe(2);
    expect(result.quarantined).toEqual([
      expect.objectContaining({ rowId: 'poison', reason: expect.stringMatching(/foreign key/) }),
    ]);
    expect(await spool.size()).toBe(0);
    // Kept whole beside the spool, never applied again by a drain.
    const kept = await spool.quarantined();
    expect(kept).toEqual([
      expect.objectContaining({ rowId: 'poison', settlement: turn('poison').settlement }),
    ]);
    expect(readFileSync(spool.quarantinePath, 'utf8')).toContain('"rowId":"poison"');
    expect((await spool.drain(async () => {})).applied).toBe(0);
  });

  it('moves aside an entry that keeps failing while the one behind it lands, and not while the database is away', async () => {
    for (const id of ['stuck', 'b', 'c']) await spool.append(turn(id));
    let databaseAway = true;
    const written: string[] = [];
    const apply = async (entry: SpooledTurn) => {
      if (databaseAway || entry.rowId === 'stuck') throw away();
      written.push(entry.rowId);
    };
    // An outage: every entry fails, many times over; nothing is moved aside and the order holds.
    for (let i = 0; i < POISON_AFTER_ATTEMPTS + 2; i++)
      expect(await spool.drain(apply)).toEqual({ applied: 0, quarantined: [] });
    expect(await spool.quarantined()).toEqual([]);
    expect(await spool.size()).toBe(3);

    // The database is back, and only `stuck` still fails: it has failed often, so it goes aside.
    databaseAway = false;
    const result = await spool.drain(apply);
    expect(written).toEqual(['b', 'c']);
    expect(result.applied).toBe(2);
    expect(result.quarantined).toEqual([
      expect.objectContaining({
        rowId: 'stuck',
        reason: expect.stringMatching(/while the entries behind it were written/),
      }),
    ]);
    expect(await spool.size()).toBe(0);
  });

  it('counts failures of the first entry across drains (kept in the file)', async () => {
    await spool.append(turn('a'));
    await spool.append(turn('b'));
    await spool.drain(async () => {
      throw away();
    });
    await spool.drain(async () => {
      throw away();
    });
    const again = new FileSpool(dir); // a restarted process reads the count back
    const seen: SpooledTurn[] = [];
    await again.drain(async (entry) => void seen.push(entry));
    expect(seen.map((e) => [e.rowId, e.attempts ?? 0])).toEqual([
      ['a', 2],
      ['b', 0],
    ]);
  });

  it('queues the entries moved aside again, once, their failures forgotten', async () => {
    for (const id of ['a', 'poison', 'b']) await spool.append(turn(id));
    let fixed = false;
    const written: string[] = [];
    const apply = async (entry: SpooledTurn) => {
      if (entry.rowId === 'poison' && !fixed) throw refused();
      written.push(entry.rowId);
    };
    await spool.drain(apply);
    expect((await spool.quarantined()).map((q) => q.rowId)).toEqual(['poison']);

    fixed = true; // the operator fixed the cause
    expect(await spool.requeue()).toBe(1);
    expect(await spool.quarantined()).toEqual([]);
    expect(await spool.requeue()).toBe(0);
    const seen: SpooledTurn[] = [];
    const result = await spool.drain(async (entry) => {
      seen.push(entry);
      await apply(entry);
    });
    expect(result).toEqual({ applied: 1, quarantined: [] });
    expect(seen).toEqual([
      expect.objectContaining({ rowId: 'poison', settlement: turn('poison').settlement }),
    ]);
    expect(seen[0]).not.toHaveProperty('reason');
    expect(seen[0]?.attempts ?? 0).toBe(0);
    expect(written).toEqual(['a', 'b', 'poison']);
    expect(await spool.size()).toBe(0);
  });

  it('loses nothing another process appends while this one drains (a server and crux reconcile)', async () => {
    const count = 200;
    const appender = fileURLToPath(new URL('../../test/support/spool-appender.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, [appender, dir, String(count)], { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let running = true;
    void exited.then(() => {
      running = false;
    });
    const written = new Set<string>();
    const record = async (entry: SpooledTurn) => void written.add(entry.rowId);
    let drains = 0;
    while (running) {
      await spool.drain(record);
      drains++;
    }
    expect(await exited).toBe(0);
    await spool.drain(record);
    expect(drains).toBeGreaterThan(1);
    expect(written.size).toBe(count);
    expect(await spool.size()).toBe(0);
  }, 60_000);
});
