import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Transport, TransportRequest, TransportResponse } from './transport.ts';

export interface NodeTransportOptions {
  /** Open connections per origin, streams included (default unbounded, as with `fetch`). */
  maxSockets?: number;
  /** Idle connections kept open per origin for the next call (default 64). */
  maxFreeSockets?: number;
  /** How long an idle connection is kept (default 4 s; shorter when the server's `Keep-Alive` says so). */
  freeSocketTimeoutMs?: number;
}

/** How long a body whose content is over (`[DONE]`) may take to end on the wire before it is cut. */
const DRAIN_MS = 1_000;

/**
 * The Node transport: `node:http`/`node:https` with one kept-alive agent each. Calls are not capped
 * per origin by default (as with `fetch`): a cap would queue new chats behind long streams until
 * their connect timeout. A request sent on a kept connection that the server had just closed is sent
 * once more on a new one (no byte was answered).
 */
export class NodeTransport implements Transport {
  readonly httpAgent: HttpAgent;
  readonly httpsAgent: HttpsAgent;

  constructor(options: NodeTransportOptions = {}) {
    const agent = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? Number.POSITIVE_INFINITY,
      maxFreeSockets: options.maxFreeSockets ?? 64,
      timeout: options.freeSocketTimeoutMs ?? 4_000,
      scheduling: 'lifo' as const,
      // Node's own switch, which `fetch` honoured too: HTTP(S)_PROXY and NO_PROXY.
      ...(process.env.NODE_USE_ENV_PROXY === '1' ? { proxyEnv: process.env } : {}),
    };
    this.httpAgent = new HttpAgent(agent);
    this.httpsAgent = new HttpsAgent(agent);
  }

  request(request: TransportRequest): Promise<TransportResponse> {
    return this.send(request, true);
  }

  /** Closes the kept connections (calls in flight go on). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private send(request: TransportRequest, mayResend: boolean): Promise<TransportResponse> {
    const { signal, body } = request;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const secure = request.url.startsWith('https:');
      const req = (secure ? httpsRequest : httpRequest)(request.url, {
        method: request.method,
        headers: {
          ...request.headers,
          // The body is read as it is sent (fetch would undo a compression; this transport does not ask for one).
          'accept-encoding': 'identity',
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        },
        agent: secure ? this.httpsAgent : this.httpAgent,
      });
      let response: NodeResponse | undefined;
      const onAbort = () => (response ? response.abort(signal.reason) : req.destroy(signal.reason));
      const unlisten = () => signal.removeEventListener('abort', onAbort);
      signal.addEventListener('abort', onAbort, { once: true });
      // Stays attached: after the response a failure reaches the body's reader through the response.
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (response) return;
        unlisten();
        if (signal.aborted) reject(signal.reason);
        else if (mayResend && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE'))
          resolve(this.send(request, false));
        else reject(error);
      });
      req.once('response', (res) => {
        response = new NodeResponse(req, res, unlisten);
        resolve(response);
      });
      req.end(body);
    });
  }
}

/** Reads an IncomingMessage in paused mode: one promise per piece, none while data is buffered. */
class NodeResponse implements TransportResponse {
  readonly status: number;
  private waiting: { resolve(piece: Uint8Array | undefined): void; reject(error: unknown): void } | undefined;
  private failure: unknown;
  private ended = false;
  private released = false;

  constructor(
    private readonly req: ClientRequest,
    private readonly res: IncomingMessage,
    private readonly settled: () => void,
  ) {
    this.status = res.statusCode ?? 0;
    res.on('readable', this.onReadable);
    res.once('end', this.onEnd);
    res.on('error', this.onFailure);
    res.once('close', this.onClose);
  }

  header(name: string): string | undefined {
    const value = this.res.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  read(): Promise<Uint8Array | undefined> {
    const piece = this.res.read() as Buffer | null;
    if (piece !== null) return Promise.resolve(piece);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  release(finished: boolean): void {
    if (this.ended || this.failure !== undefined || this.released) return;
    this.released = true;
    this.drop(finished);
  }

  /** The caller's abort or the idle timer, after the headers: a pending or later `read` rejects. */
  abort(reason: unknown): void {
    if (this.ended || this.failure !== undefined || this.released) return;
    this.onFailure(reason);
    this.released = true;
    this.drop(false);
  }

  /**
   * Stops reading. A body that arrived whole, or whose content is over (then for at most DRAIN_MS),
   * is read to its end so the connection goes back to the agent; any other is cut off now. (Never
   * `req.destroy(error)` on a whole body: Node would free the socket before the error reached it.)
   */
  private drop(finished: boolean): void {
    this.res.off('readable', this.onReadable);
    if (!finished && !this.res.complete) {
      this.req.destroy();
      return;
    }
    this.res.resume();
    if (this.res.complete) return;
    const cut = setTimeout(() => this.req.destroy(), DRAIN_MS);
    cut.unref();
    this.res.once('close', () => clearTimeout(cut));
  }

  private readonly onReadable = (): void => {
    if (!this.waiting) return;
    const piece = this.res.read() as Buffer | null;
    if (piece === null) return;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting.resolve(piece);
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.settled();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(undefined);
  };

  private readonly onFailure = (error: unknown): void => {
    if (this.ended || this.failure !== undefined) return;
    this.failure = error;
    this.settled();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  };

  private readonly onClose = (): void => {
    if (!this.ended && this.failure === undefined)
      this.onFailure(new Error('The upstream connection closed before the body ended'));
  };
}
