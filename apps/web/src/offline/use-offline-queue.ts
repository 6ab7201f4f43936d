import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSession } from '../auth/session.ts';
import { keys } from '../shared/queries.ts';
import { onQueueChange, type QueuedClimb, queued } from './queue.ts';
import { flushQueue } from './sync.ts';

const RETRY_MS = 15_000;

/** The signed-in user's waiting climbs, kept in step with IndexedDB. */
export function useWaitingClimbs(): QueuedClimb[] {
  const current = useSession();
  const [waiting, setWaiting] = useState<QueuedClimb[]>([]);
  useEffect(() => {
    const owner = current?.email ?? current?.user_id;
    if (!owner) {
      setWaiting([]);
      return;
    }
    let alive = true;
    const refresh = () =>
      void queued(owner).then((list) => {
        if (alive) setWaiting(list);
      });
    refresh();
    const unsubscribe = onQueueChange(refresh);
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [current]);
  return waiting;
}

/**
 * Sends waiting climbs when the app starts, when the browser comes back online, and every
 * 15 s (a connection can return without an `online` event). Mounted once, in the layout.
 */
export function useOfflineSync(): void {
  const current = useSession();
  const client = useQueryClient();
  useEffect(() => {
    if (!current) return;
    const flush = () =>
      void flushQueue().then((sent) => {
        if (sent === 0) return;
        void client.invalidateQueries({ queryKey: keys.climbs });
        void client.invalidateQueries({ queryKey: keys.patterns });
      });
    flush();
    window.addEventListener('online', flush);
    const timer = setInterval(flush, RETRY_MS);
    return () => {
      window.removeEventListener('online', flush);
      clearInterval(timer);
    };
  }, [current, client]);
}
