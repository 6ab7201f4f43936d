import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineWriter } from './line-writer.ts';

describe('LineWriter', () => {
  it('only queues while a request runs, then writes every line in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crux-log-'));
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'w');
    try {
      const writer = new LineWriter(fd);
      for (let i = 0; i < 500; i++) writer.line(`line ${i}`);
      expect(readFileSync(file, 'utf8')).toBe(''); // nothing written synchronously
      await new Promise((resolve) => setTimeout(resolve, 50));
      writer.line('last');
      writer.flushSync();
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(lines).toEqual([...Array.from({ length: 500 }, (_, i) => `line ${i}`), 'last']);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
