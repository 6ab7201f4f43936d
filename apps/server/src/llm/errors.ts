/** What went wrong talking to the upstream, in terms the rest of the app can act on. */
export type UpstreamErrorKind =
  | 'bad_request' // 400
  | 'unauthorized' // 401: bad or missing API key
  | 'out_of_credits' // 402
  | 'moderation' // 403
  | 'timeout' // 408 or our own timer
  | 'rate_limited' // 429
  | 'bad_gateway' // 502: model down or bad upstream answer
  | 'unavailable' // 503: no provider meets the routing requirements
  | 'network' // connection refused, reset, DNS
  | 'unexpected'; // any other status or a malformed answer

const KIND_BY_STATUS: Record<number, UpstreamErrorKind> = {
  400: 'bad_request',
  401: 'unauthorized',
  402: 'out_of_credits',
  403: 'moderation',
  408: 'timeout',
  429: 'rate_limited',
  502: 'bad_gateway',
  503: 'unavailable',
};

const RETRYABLE: ReadonlySet<UpstreamErrorKind> = new Set([
  'timeout',
  'rate_limited',
  'bad_gateway',
  'unavailable',
  'network',
]);

/** An upstream failure before any content arrived. `retryable` follows the usual 408/429/5xx rule. */
export class UpstreamError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
    readonly status: number | undefined = undefined,
    readonly retryAfterSeconds: number | undefined = undefined,
  ) {
    super(message);
    this.name = 'UpstreamError';
    this.retryable = RETRYABLE.has(kind) || (status !== undefined && status >= 500);
  }

  static fromStatus(status: number, message: string, retryAfter: string | null): UpstreamError {
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
    return new UpstreamError(KIND_BY_STATUS[status] ?? 'unexpected', message, status, seconds);
  }
}
