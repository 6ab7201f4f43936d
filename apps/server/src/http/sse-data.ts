/**
 * One event's `data:` payload: its JSON (JSON never holds a raw line break). An `error` event
 * carries the request's id, as every error body does.
 */
export function sseData(event: object, requestId: string): string {
  if ('type' in event && event.type === 'error' && 'error' in event && typeof event.error === 'object')
    return JSON.stringify({ ...event, error: { ...event.error, request_id: requestId } });
  return JSON.stringify(event);
}
