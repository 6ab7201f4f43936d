import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openEmbeddedDb } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, closed embedded database directory for test files to copy. */
    pgliteTemplate: string;
  }
}

/**
 * Global setup of the `routes` test project: creates and migrates one embedded database. Each
 * test file copies it (about a second) instead of creating its own (PGlite's initdb takes several).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'crux-template-'));
  const db = await openEmbeddedDb(dataDir);
  await migrate(db);
  await db.close();
  project.provide('pgliteTemplate', join(dataDir, 'pglite'));
  return () => rmSync(dataDir, { recursive: true, force: true });
}
