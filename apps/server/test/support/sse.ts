import { EventSourceParserStream } from 'eventsource-parser/stream';

/** Every `data:` payload of an SSE response, in order (`[DONE]` included as the string). */
export async function readSse(response: Response): Promise<string[]> {
  const data: string[] = [];
  const events = response
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  for await (const event of events) data.push(event.data);
  return data;
}
