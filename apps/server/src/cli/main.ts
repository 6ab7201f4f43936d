import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/env.ts';
import { runDemo } from './demo.ts';
import {
  runMigrate,
  runModelCheck,
  runReconcile,
  runUsage,
  runUserBudget,
  runUserCreate,
} from './operator-commands.ts';
import { runServe } from './serve.ts';
import { runSimulate } from './simulate.ts';

const HELP = `Crux: an AI climbing coach backend on OpenRouter.

Usage: crux <command> [options]

  serve                      start the API (embedded database unless DATABASE_URL is set)
  migrate                    apply the SQL migrations in supabase/migrations/
  simulate [--port 8788]     run the OpenRouter simulator (for development and demos)
  demo                       simulator + server on the embedded database + a demo user
  user create <email>        create a user; prints a password and an access token
  user budget <email> <usd|default>  the user's own daily USD cap (default: DAILY_BUDGET_USD)
  usage [--by day|model|endpoint|user] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv]
  reconcile [--older-than SECONDS]   settle pending ledger rows now (default: older than 60 s)
  model check                validate OPENROUTER_MODEL against the catalog and print its pricing

Configuration comes from the environment and .env (see .env.example).`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      by: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      csv: { type: 'boolean' },
      password: { type: 'string' },
      'older-than': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    console.log(HELP);
    return command || values.help ? 0 : 1;
  }
  switch (command) {
    case 'simulate':
      return runSimulate(values.port);
    case 'demo':
      return runDemo();
    case 'serve':
      return runServe(loadConfig());
    case 'migrate':
      return runMigrate(loadConfig());
    case 'reconcile':
      return runReconcile(loadConfig(), Number(values['older-than'] ?? 60));
    case 'usage':
      return runUsage(loadConfig(), {
        by: values.by,
        from: values.from,
        to: values.to,
        csv: values.csv ?? false,
      });
    case 'user':
      if (sub === 'budget' && arg) return runUserBudget(loadConfig(), arg, positionals[3]);
      if (sub !== 'create' || !arg) break;
      return runUserCreate(loadConfig(), arg, values.password);
    case 'model':
      if (sub !== 'check') break;
      return runModelCheck(loadConfig());
  }
  console.error(`Unknown command: ${positionals.join(' ')}\n\n${HELP}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined && code !== -1) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(`crux: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
