import type { Context } from 'hono';

const encoder = new TextEncoder();
const DONE = encoder.encode('data: [DONE]\n\n');

/**
 * A `text/event-stream` response: each event as one `data:` line of JSON (JSON never holds a raw
 * line break), then `data: [DONE]`. One ReadableStream pulling from `events`: no TransformStream,
 * writer or per-event promise chain (hono's streamSSE), so an open stream costs little memory.
 * `onCancel` runs when the client goes away. An `error` event carries the request's id, as every
 * error body does.
 */
export function sseResponse<T extends object>(
  c: Context,
  events: ReadableStream<T>,
  onCancel: () => void,
): Response {
  const requestId: string = c.get('requestId');
  const reader = events.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await reader.read();
      if (next.done) {
        controller.enqueue(DONE);
        controller.close();
      } else controller.enqueue(encoder.encode(`data: ${serialize(next.value, requestId)}\n\n`));
    },
    cancel() {
      onCancel();
      reader.cancel().catch(() => {});
    },
  });
  return c.body(body, 200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
}

function serialize(event: object, requestId: string): string {
  if ('type' in event && event.type === 'error' && 'error' in event && typeof event.error === 'object')
    return JSON.stringify({ ...event, error: { ...event.error, request_id: requestId } });
  return JSON.stringify(event);
}
