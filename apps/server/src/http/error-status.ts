import { ERROR_STATUS } from '@crux/contracts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '../shared/errors.ts';

/** Each error code's HTTP status, from the contract. */
export const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = ERROR_STATUS;

/** The one error body: `{"error": {"code", "message", "request_id"}}` (plus `details` for validation). */
export function errorBody(code: ErrorCode, message: string, requestId: string, details?: unknown) {
  return { error: { code, message, request_id: requestId, ...(details === undefined ? {} : { details }) } };
}
