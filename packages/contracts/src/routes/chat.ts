import { chatEventSchema, chatMessagesQuerySchema, chatMessagesSchema, chatRequestSchema } from '../chat.ts';
import { jsonBody, noContent, ok, type RouteContract } from './contract.ts';

/** The `chat` operations. */
export const CHAT_ROUTES = [
  {
    id: 'chat',
    method: 'post',
    path: '/v1/chat',
    tag: 'chat',
    summary: 'Ask the coach; the answer streams as server-sent events ending with `data: [DONE]`',
    auth: true,
    idempotent: true,
    body: jsonBody(chatRequestSchema),
    success: { status: 200, body: { kind: 'event-stream', event: chatEventSchema } },
    errors: [409, 429, 502, 503],
  },
  {
    id: 'chatMessages',
    method: 'get',
    path: '/v1/chat/messages',
    tag: 'chat',
    summary: 'Chat history, oldest first',
    auth: true,
    query: chatMessagesQuerySchema,
    success: ok(chatMessagesSchema),
  },
  {
    id: 'clearChat',
    method: 'delete',
    path: '/v1/chat/messages',
    tag: 'chat',
    summary: 'Delete the chat history',
    auth: true,
    success: noContent,
  },
] as const satisfies readonly RouteContract[];
