import type { Config } from '../config/env.ts';
import { startServer } from '../server.ts';

/** `crux serve`: runs until SIGINT/SIGTERM, then finishes in-flight settlements and exits. Returns -1 (keep running). */
export async function runServe(config: Config): Promise<number> {
  const server = await startServer(config);
  console.log(
    `[crux] listening on ${server.url} (database: ${server.db.kind}, model: ${config.openRouter.model}); web app at ${server.url}/`,
  );
  const stop = async (signal: string) => {
    console.log(`[crux] ${signal}: finishing in-flight work…`);
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return -1;
}
