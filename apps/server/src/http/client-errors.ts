import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ServerType } from '@hono/node-server';
import type { ErrorCode } from '../shared/errors.ts';
import { errorBody, STATUS_BY_CODE } from './error-status.ts';

const REASONS: Record<number, string> = { 400: 'Bad Request', 431: 'Request Header Fields Too Large' };

/** What Node's HTTP parser refused, as a contract error (Node itself would answer an empty 400/431). */
function describe(error: NodeJS.ErrnoException): [ErrorCode, string] {
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return ['headers_too_large', 'The request line and headers are too large (the limit is 16 KiB).'];
  return ['malformed_request', 'The request is not well-formed HTTP.'];
}

/**
 * Answers requests Node refuses before the app sees them (oversized headers, broken HTTP) with the
 * API's JSON error body, then closes the connection.
 */
export function answerClientErrorsInJson(server: ServerType): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [code, message] = describe(error);
    const status = STATUS_BY_CODE[code];
    const body = JSON.stringify(errorBody(code, message, randomUUID()));
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}
