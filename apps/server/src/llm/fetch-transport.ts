import type { Transport, TransportRequest, TransportResponse } from './transport.ts';

/**
 * The transport for runtimes without `node:http` (Deno, Supabase Edge Functions): the platform's
 * `fetch`, its body read with one reader.
 */
export class FetchTransport implements Transport {
  constructor(private readonly fetchFn: typeof fetch = fetch) {}

  async request(request: TransportRequest): Promise<TransportResponse> {
    const response = await this.fetchFn(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
    return new FetchResponse(response);
  }
}

/** A fetch `Response` read as a transport response. */
export class FetchResponse implements TransportResponse {
  readonly status: number;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private ended = false;

  constructor(private readonly response: Response) {
    this.status = response.status;
    this.reader = response.body?.getReader();
    if (!this.reader) this.ended = true;
  }

  header(name: string): string | undefined {
    return this.response.headers.get(name) ?? undefined;
  }

  async read(): Promise<Uint8Array | undefined> {
    if (!this.reader || this.ended) return undefined;
    const { done, value } = await this.reader.read();
    if (done) this.ended = true;
    return done ? undefined : value;
  }

  release(): void {
    if (this.ended || !this.reader) return;
    this.ended = true;
    this.reader.cancel().catch(() => {});
  }
}
