import { randomUUID } from 'node:crypto';
import { fingerprintOf, type IdempotencyStore } from '../idempotency/idempotency-store.ts';
import type { ChatRun, ChatService, CompletedChat } from './chat-service.ts';

/**
 * Chat with an optional `Idempotency-Key`: a repeat (same user, 24 h) calls no LLM and bills
 * nothing; it replays the stored answer as a stream.
 */
export class IdempotentChat {
  constructor(
    private readonly chat: ChatService,
    private readonly store: IdempotencyStore,
  ) {}

  async start(userId: string, message: string, key: string | undefined): Promise<ChatRun> {
    if (key === undefined) return this.chat.start(userId, message);
    const requestId = randomUUID();
    const claim = await this.store.claim<CompletedChat>(
      userId,
      'chat',
      key,
      requestId,
      fingerprintOf({ message }),
    );
    if (claim.kind === 'replay') return replay(requestId, claim.result);
    const hooks = {
      completion: (result: CompletedChat) => ({ userId, endpoint: 'chat' as const, key, requestId, result }),
      failed: () => this.store.release(userId, 'chat', key),
    };
    return this.chat.start(userId, message, hooks, requestId);
  }
}

function replay(requestId: string, stored: CompletedChat): ChatRun {
  return {
    requestId,
    attach(sink) {
      void sink.send({ type: 'delta', content: stored.content });
      void sink.send(stored.usage);
      sink.end();
    },
    abort: () => {},
  };
}
