import type { ErrorCode } from '@crux/contracts';

export type { ErrorCode };

/** An error meant for the client: a stable code, a human message, and optional headers. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
