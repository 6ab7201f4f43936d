import { type OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { DIRECT_SSE, type DirectSseSlot, SSE_CONTENT_TYPE } from './sse-node.ts';

type Bindings = HttpBindings | Http2Bindings;
type Fetch = (request: Request, env: Bindings) => Response | Promise<Response>;

/**
 * The Node server's fetch: `fetch` with event streams written straight to Node's response
 * (http/sse-node.ts) rather than read from a web stream. A streaming route leaves its sink in
 * the request's slot and answers headers only; once every middleware has finished with that
 * response (CORS, X-Request-Id, Vary…), its head is written and the events follow.
 */
export function withDirectSse(fetch: Fetch): Fetch {
  return (request, env) => {
    if (!(env.outgoing instanceof ServerResponse)) return fetch(request, env); // HTTP/2: a web stream
    const slot: DirectSseSlot = { outgoing: env.outgoing, sink: undefined };
    const withSlot: Bindings & { [DIRECT_SSE]: DirectSseSlot } = { ...env, [DIRECT_SSE]: slot };
    let response: Response | Promise<Response>;
    try {
      response = fetch(request, withSlot);
    } catch (error) {
      slot.sink?.cancel();
      throw error;
    }
    if (!(response instanceof Promise)) return finish(response, slot);
    return response.then(
      (settled) => finish(settled, slot),
      (error: unknown) => {
        slot.sink?.cancel();
        throw error;
      },
    );
  };
}

function finish(response: Response, slot: DirectSseSlot): Response {
  const { sink } = slot;
  if (!sink) return response;
  // Replaced on the way out (an error handler): that answer goes instead, the turn is abandoned.
  // (Not judged by `response.body`: on @hono/node-server's light Response that builds a web one.)
  if (response.status !== 200 || response.headers.get('content-type') !== SSE_CONTENT_TYPE) {
    sink.cancel();
    return response;
  }
  const head: OutgoingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    head[name] = value;
  });
  sink.open(head);
  return RESPONSE_ALREADY_SENT;
}
