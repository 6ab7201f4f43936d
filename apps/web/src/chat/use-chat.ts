import type { ChatUsageEvent } from '@crux/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { CruxApiError, crux } from '../api/crux.ts';
import { newKey } from '../shared/new-key.ts';
import { keys } from '../shared/queries.ts';

/** One exchange of this visit: the question, and the reply as it streams in. */
export interface LiveTurn {
  id: string;
  question: string;
  reply: string;
  status: 'streaming' | 'done' | 'stopped' | 'failed';
  usage?: ChatUsageEvent;
  error?: unknown;
}

/** Streams chat replies; `stop()` aborts the one in flight (the server still bills what was used). */
export function useChat() {
  const client = useQueryClient();
  const [turns, setTurns] = useState<LiveTurn[]>([]);
  const controller = useRef<AbortController | null>(null);

  const send = useCallback(
    async (question: string) => {
      const id = newKey();
      const update = (change: (turn: LiveTurn) => Partial<LiveTurn>) =>
        setTurns((all) => all.map((turn) => (turn.id === id ? { ...turn, ...change(turn) } : turn)));
      const abort = new AbortController();
      controller.current = abort;
      setTurns((all) => [...all, { id, question, reply: '', status: 'streaming' }]);
      try {
        for await (const event of crux.chat.stream(question, { signal: abort.signal, idempotencyKey: id })) {
          if (event.type === 'delta') update((t) => ({ reply: t.reply + event.content }));
          else if (event.type === 'usage') update(() => ({ usage: event }));
          else update(() => ({ status: 'failed', error: CruxApiError.fromStreamEvent(event.error) }));
        }
        update((t) => ({ status: t.status === 'streaming' ? 'done' : t.status }));
      } catch (error) {
        if (abort.signal.aborted) update(() => ({ status: 'stopped' }));
        else update(() => ({ status: 'failed', error }));
      } finally {
        controller.current = null;
        void client.invalidateQueries({ queryKey: keys.usage });
      }
    },
    [client],
  );

  const stop = useCallback(() => controller.current?.abort(), []);
  const reset = useCallback(() => setTurns([]), []);
  const streaming = turns.some((t) => t.status === 'streaming');
  return { turns, send, stop, reset, streaming };
}
