import type { LockOptions } from 'proper-lockfile';

/** Releases a lock taken by `takeFileLock`. */
export type ReleaseLock = () => Promise<void>;

/** A holder that died (or froze) for this long loses its lock to the next process that asks. */
const STALE_MS = 10_000;
/** Waiting for a lock another process holds: short steps, about 30 s in all (past STALE_MS). */
const WAIT: LockOptions['retries'] = { retries: 600, factor: 1, minTimeout: 5, maxTimeout: 50 };

/**
 * A lock on `target` shared by every process on this machine (a running server and `crux
 * reconcile` on the same data directory): proper-lockfile's directory `<target>.lock`, whose
 * mtime the holder refreshes; one left by a dead process is taken over after 10 s. With `wait`
 * false, resolves `undefined` at once when another process holds it.
 *
 * proper-lockfile is loaded on first use: only the Node file spool needs it, never the Edge
 * Function.
 */
export async function takeFileLock(target: string, wait: boolean): Promise<ReleaseLock | undefined> {
  const { lock } = await import('proper-lockfile');
  try {
    return await lock(target, {
      realpath: false, // the spool file may not exist yet
      stale: STALE_MS,
      retries: wait ? WAIT : 0,
      // The default throws from a timer and ends the process; a lock lost to a frozen holder is
      // rare and the spool's writes are whole-file renames and fsynced appends either way.
      onCompromised: () => {},
    });
  } catch (error) {
    if (!wait && (error as { code?: string }).code === 'ELOCKED') return undefined;
    throw error;
  }
}
