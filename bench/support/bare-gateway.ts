/**
 * P1's floor: the leanest gateway that keeps Crux's one rule before the model (a durable write
 * first), as a bench child process: `node --import tsx bare-gateway.ts <upstream base URL>
 * <database URL>` prints `gateway at <URL>`. Per request: read the body, one committed insert
 * (fsync, as the server's opening statement), then the upstream's stream piped back untouched (no
 * auth, no parsing, no ledger). Its table is dropped on SIGTERM.
 */
import { Agent, createServer, request } from 'node:http';
import pg from 'pg';

const [upstreamBase = '', databaseUrl = ''] = process.argv.slice(2);
const upstream = new URL(`${upstreamBase}/chat/completions`);
const TABLE = 'bench_bare_gateway_rows';
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
await db.query(`create table if not exists ${TABLE} (id bigserial primary key, body text not null)`);
const agent = new Agent({ keepAlive: true });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const body = Buffer.concat(chunks).toString();
    await db.query(`insert into ${TABLE} (body) values ($1)`, [body]);
    const call = request(
      upstream,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, { 'content-type': 'text/event-stream' });
        up.pipe(res);
      },
    );
    call.end(
      JSON.stringify({
        model: 'google/gemini-2.5-pro',
        stream: true,
        messages: [{ role: 'user', content: body }],
      }),
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`gateway at http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
process.once('SIGTERM', async () => {
  server.close();
  await db.query(`drop table if exists ${TABLE}`);
  await db.end();
  process.exit(0);
});
