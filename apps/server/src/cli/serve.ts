import { loadConfig, loadEnvFile, parseConfig } from '../config/env.ts';
import { startServer } from '../server.ts';
import { portInUse } from './errors.ts';

/**
 * `crux serve`: every setting, with `--port`/`--host` over PORT/HOST. Runs until SIGINT/SIGTERM,
 * then finishes in-flight settlements and exits. Returns -1 (keep running).
 */
export async function runServe(options: {
  port?: number | undefined;
  host?: string | undefined;
}): Promise<number> {
  const config =
    options.port === undefined && options.host === undefined
      ? loadConfig()
      : parseConfig({
          ...loadEnvFile(),
          ...(options.port === undefined ? {} : { PORT: String(options.port) }),
          ...(options.host === undefined ? {} : { HOST: options.host }),
        });
  const server = await startServer(config).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'EADDRINUSE')
      throw portInUse(config.port, config.host, 'pass --port (or set PORT) with a free one');
    throw error;
  });
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
