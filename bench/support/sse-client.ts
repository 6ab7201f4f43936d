/**
 * The load generator's streaming client: plain node:http on kept-alive sockets and a minimal SSE
 * split (events end with a blank line), so the generator spends as little CPU per event as it can.
 */
import { Agent, request } from 'node:http';

export const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

export interface StreamResult {
  status: number;
  /** performance.now() when the headers arrived. */
  headersAt: number;
  /** performance.now() of each event whose data `isToken` accepts. */
  tokenTimes: number[];
  /** Every event's data, in order (kept only when `keepEvents`). */
  events: string[];
  /** The last event's data. */
  last: string | undefined;
  error: string | undefined;
}

export interface StreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  isToken: (data: string) => boolean;
  keepEvents?: boolean;
}

/** POSTs and reads the SSE answer to its end. Never rejects: failures are in `error`. */
export function stream(req: StreamRequest): Promise<StreamResult> {
  const result: StreamResult = {
    status: 0,
    headersAt: Number.NaN,
    tokenTimes: [],
    events: [],
    last: undefined,
    error: undefined,
  };
  return new Promise((resolve) => {
    const outgoing = request(
      req.url,
      {
        method: 'POST',
        agent,
        headers: {
          ...req.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(req.body),
        },
      },
      (res) => {
        result.status = res.statusCode ?? 0;
        result.headersAt = performance.now();
        res.setEncoding('utf8');
        if (result.status !== 200) {
          let body = '';
          res.on('data', (text: string) => {
            body += text;
          });
          res.on('end', () => {
            result.error = `${result.status} ${body.slice(0, 160)}`;
            resolve(result);
          });
          return;
        }
        let pending = '';
        res.on('data', (text: string) => {
          const now = performance.now();
          pending += text;
          let end = pending.indexOf('\n\n');
          while (end !== -1) {
            const block = pending.slice(0, end);
            pending = pending.slice(end + 2);
            end = pending.indexOf('\n\n');
            const data = block
              .split('\n')
              .filter((line) => line.startsWith('data:'))
              .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
              .join('\n');
            if (!data) continue; // a comment (keep-alive)
            result.last = data;
            if (req.keepEvents) result.events.push(data);
            if (req.isToken(data)) result.tokenTimes.push(now);
          }
        });
        res.on('end', () => resolve(result));
        res.on('error', (error) => {
          result.error = error.message;
          resolve(result);
        });
      },
    );
    outgoing.on('error', (error) => {
      result.error = error.message;
      resolve(result);
    });
    outgoing.end(req.body);
  });
}

/** The gaps between consecutive tokens of every stream. */
export const tokenGaps = (results: StreamResult[]): number[] =>
  results.flatMap((r) => r.tokenTimes.slice(1).map((t, i) => t - r.tokenTimes[i]!));
