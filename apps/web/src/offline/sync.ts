import type { Climb, NewClimbInput } from '@crux/contracts';
import { CruxApiError, crux, isNetworkError } from '../api/crux.ts';
import { session } from '../auth/session.ts';
import { newKey } from '../shared/new-key.ts';
import { enqueue, markRefused, queued, remove } from './queue.ts';

export type LogResult = { status: 'saved'; climb: Climb } | { status: 'queued' };

/**
 * Logs a climb: sent now when online, otherwise kept in IndexedDB and sent later. Either way
 * it carries one Idempotency-Key, so a retry after a lost answer never stores it twice.
 */
export async function logClimb(input: NewClimbInput): Promise<LogResult> {
  const owner = session.owner();
  if (!owner) throw new Error('Sign in to log climbs.');
  const climb = { ...input, created_at: input.created_at ?? new Date().toISOString() };
  const key = newKey();
  const keep = async (): Promise<LogResult> => {
    await enqueue({ key, owner, input: climb, queuedAt: new Date().toISOString() });
    return { status: 'queued' };
  };
  if (!navigator.onLine) return keep();
  try {
    return { status: 'saved', climb: await crux.climbs.create(climb, { idempotencyKey: key }) };
  } catch (error) {
    if (isNetworkError(error)) return keep();
    throw error;
  }
}

let flushing: Promise<number> | null = null;

/** Sends the signed-in user's waiting climbs, oldest first; stops at the first network failure. */
export function flushQueue(): Promise<number> {
  flushing ??= sendWaiting().finally(() => {
    flushing = null;
  });
  return flushing;
}

async function sendWaiting(): Promise<number> {
  const owner = session.owner();
  if (!owner || !navigator.onLine) return 0;
  let sent = 0;
  for (const climb of await queued(owner)) {
    if (climb.refused) continue;
    try {
      await crux.climbs.create(climb.input, { idempotencyKey: climb.key });
      await remove(climb.key);
      sent++;
    } catch (error) {
      const refused = error instanceof CruxApiError && error.status < 500 && error.status !== 401;
      if (!refused) break;
      await markRefused(climb.key, error.message);
    }
  }
  return sent;
}
