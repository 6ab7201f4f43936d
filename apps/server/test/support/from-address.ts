import { request as httpRequest } from 'node:http';
import { checkResponseAgainstDocument } from './contract-check.ts';

export interface FromAddressInit {
  method?: string;
  json?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/**
 * A request over real TCP from a chosen loopback address (127.0.0.2, 127.0.0.3, … are all this
 * machine on Linux), so the server sees a different socket peer per simulated client. The
 * response is checked against the OpenAPI document like the harness's own requests.
 * @example await requestFrom('127.0.0.7', `${h.url}/v1/auth/signup`, { method: 'POST', json })
 */
export function requestFrom(
  localAddress: string,
  url: string,
  init: FromAddressInit = {},
): Promise<Response> {
  const method = init.method ?? 'GET';
  const body = init.json === undefined ? undefined : JSON.stringify(init.json);
  const headers: Record<string, string> = { ...init.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  return new Promise<Response>((resolve, reject) => {
    const req = httpRequest(url, { method, headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          if (typeof value === 'string') responseHeaders.set(name, value);
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks);
        resolve(new Response(status === 204 ? null : text, { status, headers: responseHeaders }));
      });
    });
    req.on('error', reject);
    req.end(body);
  }).then(async (response) => {
    await checkResponseAgainstDocument(method, url, response.clone());
    return response;
  });
}
