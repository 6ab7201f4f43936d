import { ERROR_STATUS, type ErrorCode } from '@crux/contracts';

/** Codes the client itself raises, beside the server's own. */
export type ClientErrorCode = 'network_error' | 'invalid_response' | 'stream_interrupted';

/** Every failure of a Crux call: the server's error code, the HTTP status and the server's message. */
export class CruxApiError extends Error {
  override readonly name = 'CruxApiError';

  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    readonly status: number,
    message: string,
    /** Seconds to wait before retrying, when the server said (429, 503). */
    readonly retryAfter?: number,
    /** Per-field problems of a `validation_failed` error. */
    readonly details?: ReadonlyArray<{ path: string; message: string }>,
    /** The server's id of the failed request (its log lines carry it): quote it in a support request. */
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** The error of an `error` event in a chat stream, with the status the same code has as a response. */
  static fromStreamEvent(error: { code: ErrorCode; message: string; request_id?: string }): CruxApiError {
    return new CruxApiError(
      error.code,
      ERROR_STATUS[error.code],
      error.message,
      undefined,
      undefined,
      error.request_id,
    );
  }
}

interface ErrorBodyLike {
  error?: { code?: unknown; message?: unknown; details?: unknown; request_id?: unknown };
}

/** Turns a non-2xx response into a `CruxApiError`, whatever its body. */
export async function errorFromResponse(response: Response): Promise<CruxApiError> {
  const retryAfterHeader = response.headers.get('retry-after');
  const retryAfter =
    retryAfterHeader && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
  let body: ErrorBodyLike | undefined;
  try {
    body = (await response.json()) as ErrorBodyLike;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    const details = Array.isArray(error.details)
      ? (error.details as Array<{ path: string; message: string }>)
      : undefined;
    const requestId =
      typeof error.request_id === 'string'
        ? error.request_id
        : (response.headers.get('x-request-id') ?? undefined);
    return new CruxApiError(
      error.code as ErrorCode,
      response.status,
      error.message,
      retryAfter,
      details,
      requestId,
    );
  }
  return new CruxApiError(
    'invalid_response',
    response.status,
    `The server answered ${response.status} ${response.statusText} without an error body.`,
    retryAfter,
  );
}
