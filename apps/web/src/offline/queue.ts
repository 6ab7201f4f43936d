import type { NewClimbInput } from '@crux/contracts';
import { createStore, del, get, set, values } from 'idb-keyval';

/** A climb logged without a connection, waiting in IndexedDB to be sent once. */
export interface QueuedClimb {
  /** The Idempotency-Key it is sent with, every time, so the server stores it once. */
  key: string;
  /** Whose climb it is: only that user's session sends it. */
  owner: string;
  input: NewClimbInput;
  queuedAt: string;
  /** Why the server refused it (kept for the climber to see), if it did. */
  refused?: string;
}

const store = createStore('crux-offline', 'climbs');
const listeners = new Set<() => void>();

export function onQueueChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed() {
  for (const listener of listeners) listener();
}

export async function enqueue(climb: QueuedClimb): Promise<void> {
  await set(climb.key, climb, store);
  changed();
}

export async function queued(owner: string): Promise<QueuedClimb[]> {
  const all = await values<QueuedClimb>(store);
  return all.filter((c) => c.owner === owner).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

export async function remove(key: string): Promise<void> {
  await del(key, store);
  changed();
}

export async function markRefused(key: string, reason: string): Promise<void> {
  const climb = await get<QueuedClimb>(key, store);
  if (climb) await set(key, { ...climb, refused: reason }, store);
  changed();
}
