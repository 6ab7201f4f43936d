import { EventSourceParserStream } from 'eventsource-parser/stream';
import { checkChatEvent } from './contract-check.ts';

/** Every `data:` payload of an SSE response, in order (`[DONE]` included as the string). */
export async function readSse(response: Response): Promise<string[]> {
  const data: string[] = [];
  const events = response
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  for await (const event of events) data.push(event.data);
  return data;
}

export interface ChatResult {
  status: number;
  events: Array<Record<string, unknown>>;
  done: boolean;
  text: string;
  body: unknown;
}

/**
 * A `POST /v1/chat` response read whole: its events (each checked against the contract), whether
 * `[DONE]` ended it and the text; or, for an error before streaming, its JSON body.
 */
export async function readChat(response: Response): Promise<ChatResult> {
  if (!response.headers.get('content-type')?.includes('text/event-stream')) {
    return { status: response.status, events: [], done: false, text: '', body: await response.json() };
  }
  const data = await readSse(response);
  const done = data.at(-1) === '[DONE]';
  const events = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, unknown>);
  for (const event of events) checkChatEvent(event);
  const text = events
    .filter((e) => e.type === 'delta')
    .map((e) => e.content)
    .join('');
  return { status: response.status, events, done, text, body: undefined };
}
