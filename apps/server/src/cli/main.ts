import { CommanderError } from 'commander';
import { ConfigError } from '../config/env.ts';
import { CliError } from './errors.ts';
import { buildProgram } from './program.ts';

/** Exit codes: 0 done, 1 the work failed, 2 bad arguments or settings (one line saying which and why). */
async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((result) => {
    code = result;
  });
  await program.parseAsync(argv, { from: 'user' });
  return code;
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version print and end normally; a usage mistake was already printed by commander.
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code))
      return error.exitCode === 0 ? 0 : 2;
    return 2;
  }
  if (error instanceof ConfigError) {
    console.error(error.message);
    return 2;
  }
  if (
    error instanceof CliError ||
    (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')
  ) {
    console.error(`crux: ${(error as Error).message}`);
    return error instanceof CliError ? error.exitCode : 2;
  }
  console.error(`crux: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    // -1: a long-running command (serve, simulate, demo) that ends on a signal.
    if (code !== -1) process.exitCode = code;
  },
  (error: unknown) => process.exit(exitCodeOf(error)),
);
