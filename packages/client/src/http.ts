import { CruxApiError, errorFromResponse } from './errors.ts';

export type TokenSource = string | (() => string | null | undefined);

export interface CruxClientOptions {
  /** The API's origin, e.g. `http://127.0.0.1:8787`; `''` for the same origin in a browser. */
  baseUrl: string;
  /** A bearer token, or a function read before every call (so a signed-in app can swap it). */
  token?: TokenSource;
  /** Another `fetch` (a test double, a polyfill, Deno's); defaults to the global one. */
  fetch?: typeof fetch;
  /** Called when an authenticated call answers 401 (expired or revoked token). */
  onUnauthorized?: (error: CruxApiError) => void;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface CallOptions {
  query?: Query | undefined;
  json?: unknown;
  /** A raw body (e.g. CSV) with its content type. */
  text?: { body: string; contentType: string } | undefined;
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
}

/** The transport every endpoint shares: URL, auth, body, errors. */
export class Http {
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;

  constructor(private readonly options: CruxClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Bound, so a browser's window.fetch is not called with the wrong `this`.
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  token(): string | undefined {
    const source = this.options.token;
    return (typeof source === 'function' ? source() : source) ?? undefined;
  }

  /** Sends a request; any non-2xx answer becomes a `CruxApiError`. */
  async send(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    const headers = new Headers(options.headers);
    const token = this.token();
    if (token) headers.set('authorization', `Bearer ${token}`);
    let body: string | undefined;
    if (options.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(options.json);
    } else if (options.text) {
      headers.set('content-type', options.text.contentType);
      body = options.text.body;
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(path, options.query), {
        method,
        headers,
        body,
        signal: options.signal,
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new CruxApiError('network_error', 0, `Could not reach the Crux server: ${describe(error)}`);
    }
    if (response.ok) return response;
    const error = await errorFromResponse(response);
    if (response.status === 401 && token) this.options.onUnauthorized?.(error);
    throw error;
  }

  async json<T>(method: string, path: string, options?: CallOptions): Promise<T> {
    const response = await this.send(method, path, options);
    try {
      return (await response.json()) as T;
    } catch {
      throw new CruxApiError('invalid_response', response.status, 'The server answered with invalid JSON.');
    }
  }

  async text(method: string, path: string, options?: CallOptions): Promise<string> {
    return (await this.send(method, path, options)).text();
  }

  async empty(method: string, path: string, options?: CallOptions): Promise<void> {
    await (await this.send(method, path, options)).body?.cancel();
  }

  private url(path: string, query: Query | undefined): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {}))
      if (value !== undefined && value !== null) params.set(key, String(value));
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
