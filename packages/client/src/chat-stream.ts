import { CHAT_STREAM_DONE, type ChatEvent, type ChatUsageEvent } from '@crux/contracts';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { CruxApiError } from './errors.ts';
import type { Http } from './http.ts';

export interface ChatStreamOptions {
  /** Aborting closes the request; the server then stops the model and still bills what was used. */
  signal?: AbortSignal;
  /** A repeat with the same key replays the stored answer and bills nothing. */
  idempotencyKey?: string;
}

/**
 * `POST /v1/chat` as an async iterator of typed events: `delta`s, then one `usage` (or an `error`).
 * Errors before the stream starts are thrown as `CruxApiError`; a stream cut before `[DONE]` throws
 * `stream_interrupted`. Leaving the loop early closes the request.
 */
export async function* streamChat(
  http: Http,
  message: string,
  options: ChatStreamOptions = {},
): AsyncGenerator<ChatEvent, void, undefined> {
  const local = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, local.signal]) : local.signal;
  const response = await http.send('POST', '/v1/chat', {
    json: { message },
    headers: {
      accept: 'text/event-stream',
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
    },
    signal,
  });
  if (!response.body)
    throw new CruxApiError('invalid_response', response.status, 'The chat answer has no body.');
  const events = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.data === CHAT_STREAM_DONE) return;
      yield parseEvent(value.data, response.status);
    }
  } finally {
    local.abort();
    reader.releaseLock();
  }
  throw new CruxApiError(
    'stream_interrupted',
    response.status,
    'The chat stream ended before it was complete.',
  );
}

function parseEvent(data: string, status: number): ChatEvent {
  try {
    return JSON.parse(data) as ChatEvent;
  } catch {
    throw new CruxApiError('invalid_response', status, 'The chat stream sent an event that is not JSON.');
  }
}

/** Reads a whole answer: its text and usage; an `error` event is thrown as `CruxApiError`. */
export async function sendChat(
  http: Http,
  message: string,
  options: ChatStreamOptions = {},
): Promise<{ text: string; usage: ChatUsageEvent }> {
  let text = '';
  let usage: ChatUsageEvent | undefined;
  for await (const event of streamChat(http, message, options)) {
    if (event.type === 'delta') text += event.content;
    else if (event.type === 'usage') usage = event;
    else throw CruxApiError.fromStreamEvent(event.error);
  }
  if (!usage) throw new CruxApiError('stream_interrupted', 200, 'The chat stream ended without its usage.');
  return { text, usage };
}
