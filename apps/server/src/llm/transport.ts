/**
 * How the OpenRouter client talks HTTP, kept apart so each runtime brings its own: `node:http` with a
 * kept-alive agent on Node (node-transport.ts), `fetch` on Deno and Supabase Edge Functions
 * (fetch-transport.ts). Both pass the same behavioural tests against the simulator.
 */
export interface TransportRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** A JSON body, sent with its length. */
  body?: string;
  /**
   * Aborts the exchange at any point: before the headers `request` rejects with the signal's reason,
   * afterwards `read` rejects. The connection is then closed, never reused.
   */
  signal: AbortSignal;
}

/** A response whose headers arrived; its body is read piece by piece, once. */
export interface TransportResponse {
  readonly status: number;
  /** A response header by its lower-case name. */
  header(name: string): string | undefined;
  /** The next piece of the body, or undefined at its end. Rejects when the exchange fails or is aborted. */
  read(): Promise<Uint8Array | undefined>;
  /**
   * Done with the body before its end. `finished`: its content is over by its own protocol (an SSE
   * `[DONE]`), so the connection may be kept if the body's end follows promptly; otherwise the
   * exchange is cut off now (the upstream stops generating). Does nothing once the body ended.
   */
  release(finished: boolean): void;
}

export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
}

/** The whole body as text (for JSON answers and error bodies). */
export async function readText(response: TransportResponse): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (let piece = await response.read(); piece; piece = await response.read())
      text += decoder.decode(piece, { stream: true });
  } finally {
    response.release(false);
  }
  return text + decoder.decode();
}
