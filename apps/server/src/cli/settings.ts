import type { z } from 'zod';
import { envParts, loadEnvFile, parseEnv } from '../config/env.ts';

/**
 * The parts of the configuration a command uses, from the environment and the repository's `.env`
 * (whatever the working directory). A bad or missing one is a ConfigError (exit 2).
 * @example settings({ database: envParts.database }).database.dataDir
 */
export function settings<P extends Record<string, z.ZodType>>(parts: P): { [K in keyof P]: z.output<P[K]> } {
  return parseEnv(loadEnvFile(), parts);
}

/** A part that is optional for this command: parsed when its variable is set, else undefined. */
export function settingIfSet<K extends keyof typeof envParts>(
  variable: string,
  part: K,
): z.output<(typeof envParts)[K]> | undefined {
  const env = loadEnvFile();
  if (!env[variable]) return undefined;
  return parseEnv(env, { value: envParts[part] }).value;
}
