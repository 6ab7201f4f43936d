import type { Session } from '@crux/contracts';
import { CruxApiError, errorFromResponse } from './errors.ts';
import { type RenewalOptions, SessionRenewal, type TokenSource } from './session-renewal.ts';

export type { TokenSource };

export interface CruxClientOptions extends RenewalOptions {
  /** The API's origin, e.g. `http://127.0.0.1:8787`; `''` for the same origin in a browser. */
  baseUrl: string;
  /** A bearer token, or a function read before every call (so a signed-in app can swap it). */
  token?: TokenSource;
  /** Another `fetch` (a test double, a polyfill, Deno's); defaults to the global one. */
  fetch?: typeof fetch;
  /** Called when an authenticated call answers 401 and no refresh could renew the token (expired or revoked). */
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
  private readonly renewal: SessionRenewal;

  constructor(private readonly options: CruxClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Bound, so a browser's window.fetch is not called with the wrong `this`.
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.renewal = new SessionRenewal(options, (refreshToken) => this.refresh(refreshToken));
  }

  token(): string | undefined {
    return this.renewal.token();
  }

  /**
   * Sends a request; any non-2xx answer becomes a `CruxApiError`. A 401 to a signed-in call is
   * answered, when the client holds a refresh token, by one refresh and one retry (a wrong current
   * password, `invalid_credentials`, is a 401 about the request, not the token: it is thrown as is).
   */
  async send(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    try {
      return await this.sendOnce(method, path, options);
    } catch (error) {
      const refused = isTokenRefusal(error) ? this.token() : undefined;
      if (!refused || !this.renewal.canRenew) throw this.unauthorized(error, refused);
      if (!(await this.renewal.renew(refused))) throw this.unauthorized(error, refused);
      try {
        return await this.sendOnce(method, path, options);
      } catch (retryError) {
        throw this.unauthorized(retryError, this.token());
      }
    }
  }

  private unauthorized(error: unknown, token: string | undefined): unknown {
    if (token && isTokenRefusal(error)) this.options.onUnauthorized?.(error);
    return error;
  }

  /** `POST /v1/auth/refresh`: the new pair, or null when the refresh token is refused. */
  private async refresh(refreshToken: string): Promise<Session | null> {
    try {
      const response = await this.sendOnce(
        'POST',
        '/v1/auth/refresh',
        { json: { refresh_token: refreshToken } },
        false,
      );
      return (await response.json()) as Session;
    } catch (error) {
      if (error instanceof CruxApiError && (error.status === 401 || error.status === 400)) return null;
      throw error;
    }
  }

  private async sendOnce(
    method: string,
    path: string,
    options: CallOptions,
    signedIn = true,
  ): Promise<Response> {
    const headers = new Headers(options.headers);
    const token = signedIn ? this.token() : undefined;
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
    throw await errorFromResponse(response);
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

/** A 401 refusing the access token itself (expired, revoked, deleted account), not the request's credentials. */
function isTokenRefusal(error: unknown): error is CruxApiError {
  return error instanceof CruxApiError && error.status === 401 && error.code === 'unauthorized';
}
