import { chatMessagesQuerySchema, chatRequestSchema } from '@crux/contracts';
import { Hono } from 'hono';
import type { IdempotentChat } from '../../chat/idempotent-chat.ts';
import type { MessagesRepo } from '../../chat/messages-repo.ts';
import { checkIdempotencyKey } from '../../idempotency/idempotency-store.ts';
import type { AnonymousQuota } from '../../throttle/anonymous-quota.ts';
import type { AppEnv } from '../app-env.ts';
import { readBody, readQuery } from '../body.ts';
import { sseResponse } from '../sse.ts';

export function chatRoutes(deps: {
  chat: IdempotentChat;
  messages: MessagesRepo;
  anonymousQuota: AnonymousQuota;
}) {
  const app = new Hono<AppEnv>();

  app.post('/chat', async (c) => {
    const { message } = await readBody(c, chatRequestSchema);
    const key = checkIdempotencyKey(c.req.header('idempotency-key'));
    // `c.get`: each `c.var` read builds an object of every variable.
    const user = c.get('user');
    const run = await deps.anonymousQuota.around(user, c.get('clientAddress'), 'chat', () =>
      deps.chat.start(user.id, message, key),
    );
    return sseResponse(c, run);
  });

  app.get('/chat/messages', async (c) => {
    const { limit } = readQuery(c, chatMessagesQuerySchema);
    return c.json({ messages: await deps.messages.recent(c.var.user.id, limit) });
  });

  app.delete('/chat/messages', async (c) => {
    await deps.messages.clear(c.var.user.id);
    return c.body(null, 204);
  });

  return app;
}
