import { ERROR_STATUS } from '@crux/contracts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '../shared/errors.ts';

/** Each error code's HTTP status, from the contract. */
export const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = ERROR_STATUS;

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}
