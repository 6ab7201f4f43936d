import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../auth/password.ts';
import { TokenService } from '../auth/tokens.ts';
import { ConfigError, envParts, loadEnvFile, parseConfig, parseEnv } from '../config/env.ts';
import { startServer } from '../server.ts';
import { OpenRouterSimulator } from '../simulator/server.ts';
import { UsersRepo } from '../users/users-repo.ts';
import { portInUse } from './errors.ts';

const DEMO_EMAIL = 'demo@crux.local';
const DEMO_PASSWORD = 'crux-demo-climber';

/** A JWT secret kept in the data dir, so demo tokens outlive a restart. */
function demoSecret(dataDir: string): string {
  const file = join(dataDir, 'demo-jwt-secret');
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** `npm run demo`: the simulator, the server on the embedded database, and a demo user. */
export async function runDemo(): Promise<number> {
  const env = loadEnvFile();
  // Only the data dir and the port come from the settings: the demo runs on its own simulator and embedded database.
  const { dataDir } = parseEnv({ CRUX_DATA_DIR: env.CRUX_DATA_DIR }, { db: envParts.database }).db;
  const simulatorPort = Number(env.CRUX_SIMULATOR_PORT || 8788);
  if (!Number.isInteger(simulatorPort) || simulatorPort < 0 || simulatorPort > 65535)
    throw new ConfigError(['CRUX_SIMULATOR_PORT must be a whole number from 0 to 65535']);
  const simulator = new OpenRouterSimulator({
    port: simulatorPort,
    defaults: { generationDelayMs: 1000, chunkDelayMs: 40 },
  });
  const simulatorUrl = await simulator.start().catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'EADDRINUSE')
      throw portInUse(simulatorPort, '127.0.0.1', 'set CRUX_SIMULATOR_PORT to a free one');
    throw error;
  });
  const config = parseConfig({
    OPENROUTER_MODEL: 'google/gemini-2.5-pro',
    AUTH_JWT_SECRET: demoSecret(dataDir),
    ...env,
    CRUX_DATA_DIR: dataDir,
    OPENROUTER_BASE_URL: simulatorUrl,
    OPENROUTER_API_KEY: '',
    DATABASE_URL: '',
  });
  const server = await startServer(config);
  const users = new UsersRepo(server.db);
  const existing = await users.findByEmail(DEMO_EMAIL);
  const user = existing ?? (await users.create(DEMO_EMAIL, await hashPassword(DEMO_PASSWORD)));
  if (!user) throw new Error('could not create the demo user');
  const token = await new TokenService({ secret: config.jwtSecret, lifetime: 7 * 24 * 3600 }).sign(
    user.id,
    DEMO_EMAIL,
  );

  console.log(`
Crux demo is running (OpenRouter simulator: no real model, no cost).
  Web app:    ${server.url}/   (sign in as the demo user below)
  API:        ${server.url}/v1
  Simulator:  ${simulatorUrl}  (billing log: ${simulatorUrl}/__billing)
  Database:   embedded, in ${dataDir}
  Demo user:  ${DEMO_EMAIL} / ${DEMO_PASSWORD}
  Token:      ${token}

Try:
  curl -N -H "Authorization: Bearer ${token}" -H 'content-type: application/json' \\
       -d '{"message":"How do I stop slipping off slab footholds?"}' ${server.url}/v1/chat
  curl -H "Authorization: Bearer ${token}" ${server.url}/v1/usage/records

Ctrl-C stops it.`);
  const stop = async () => {
    await server.close();
    await simulator.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return -1;
}
