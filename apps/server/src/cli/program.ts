import { Command, type HelpContext, Option } from 'commander';
import { runAdmin } from './admin-commands.ts';
import { runDemo } from './demo.ts';
import { runMigrate, runModelCheck, runUserBudget, runUserCreate } from './operator-commands.ts';
import { budget, day, port, positiveSeconds, seconds } from './options.ts';
import { type ReconcileOptions, runReconcile } from './reconcile-command.ts';
import { runServe } from './serve.ts';
import { runSimulate } from './simulate.ts';
import { runUsage } from './usage.ts';

const SETTINGS_NOTE = (needs: string) =>
  `\nSettings: ${needs}, from the environment or the repository's .env (see .env.example).`;

/**
 * A command that, named without the subcommand it needs (`crux`, `crux user`) or asked for help on
 * one it does not have (`crux help frob`), says so in one line instead of printing its whole help
 * as an error.
 */
class CruxCommand extends Command {
  override createCommand(name?: string): Command {
    return new CruxCommand(name);
  }

  override help(context?: HelpContext | ((text: string) => string)): never {
    if (typeof context === 'object' && context.error && this.commands.length) {
      // `crux help frob` lands here too: name the command it did not find.
      const asked = this.args[0] === 'help' ? this.args[1] : undefined;
      if (asked) this.error(`error: unknown command '${asked}'`, { code: 'commander.unknownCommand' });
      const names = this.commands.map((command) => command.name()).join(', ');
      const path = this.parent ? `crux ${this.name()}` : 'crux';
      this.error(`error: missing command for '${path}' (one of: ${names}); see ${path} --help`, {
        code: 'commander.missingCommand',
      });
    }
    return typeof context === 'function' ? super.help(context) : super.help(context);
  }
}

/**
 * The `crux` command line. Every command validates its options (a mistake prints one line and
 * exits 2) and reads only the settings it uses. `done` receives the command's exit code.
 */
export function buildProgram(done: (code: number) => void): Command {
  const program = new CruxCommand('crux')
    .description('Crux: an AI climbing coach backend on OpenRouter.')
    .exitOverride()
    .showSuggestionAfterError()
    .configureHelp({ showGlobalOptions: false })
    .configureOutput({
      // One line: "crux: unknown option '--bi' (did you mean --by?)".
      outputError: (text, write) =>
        write(text.replace(/^error:/, 'crux:').replace(/\n\(Did you mean (.+)\)/, ' (did you mean $1)')),
    });
  const run = (work: Promise<number>) => work.then(done);

  program
    .command('serve')
    .description('start the API (embedded database unless DATABASE_URL is set)')
    .option('--port <port>', 'listen on this port instead of PORT', port)
    .option('--host <host>', 'listen on this address instead of HOST')
    .addHelpText('after', SETTINGS_NOTE('all of them'))
    .action((options: { port?: number; host?: string }) => run(runServe(options)));

  program
    .command('migrate')
    .description('apply the SQL migrations in supabase/migrations/')
    .addHelpText('after', SETTINGS_NOTE('DATABASE_URL or CRUX_DATA_DIR'))
    .action(() => run(runMigrate()));

  program
    .command('simulate')
    .description('run the OpenRouter simulator (for development and demos)')
    .option('--port <port>', 'listen on this port', port, 8788)
    .action((options: { port: number }) => run(runSimulate(options.port)));

  program
    .command('demo')
    .description('simulator + server on the embedded database + a demo user')
    .action(() => run(runDemo()));

  const user = program.command('user').description('manage users');
  user
    .command('create')
    .description('create a user; prints its password (unless given) and an access token')
    .argument('<email>', 'the e-mail address to log in with')
    .option('--password <password>', 'at least 8 characters (default: a random one, printed)')
    .addHelpText('after', SETTINGS_NOTE('DATABASE_URL or CRUX_DATA_DIR; AUTH_JWT_SECRET to print a token'))
    .action((email: string, options: { password?: string }) => run(runUserCreate(email, options.password)));
  user
    .command('budget')
    .description("set a user's own daily USD cap, or `default` to go back to DAILY_BUDGET_USD")
    .argument('<email>', "the user's e-mail")
    .argument('<usd|default>', 'e.g. 0.50', budget)
    .addHelpText('after', SETTINGS_NOTE('DATABASE_URL or CRUX_DATA_DIR'))
    .action((email: string, amount: string | null) => run(runUserBudget(email, amount)));

  const admin = program.command('admin').description("who may read everyone's usage (GET /v1/admin/usage)");
  for (const action of ['grant', 'revoke'] as const)
    admin
      .command(action)
      .description(action === 'grant' ? 'make a user an admin' : "take a user's admin rights away")
      .argument('<email|id>', "the user's e-mail or id")
      .addHelpText('after', SETTINGS_NOTE('DATABASE_URL or CRUX_DATA_DIR'))
      .action((who: string) => run(runAdmin(action, who)));

  program
    .command('usage')
    .description('spend report from the ledger, with the OpenRouter credit left')
    .addOption(
      new Option('--by <group>', 'group rows by')
        .choices(['day', 'model', 'endpoint', 'user'])
        .default('day'),
    )
    .option('--from <YYYY-MM-DD>', 'first UTC day included', day)
    .option('--to <YYYY-MM-DD>', 'last UTC day included', day)
    .option('--csv', 'comma-separated output (the TOTAL row last)', false)
    .addHelpText(
      'after',
      SETTINGS_NOTE('DATABASE_URL or CRUX_DATA_DIR; OPENROUTER_API_KEY and CREDIT_WARN_USD for the credit'),
    )
    .action(
      (options: { by: 'day' | 'model' | 'endpoint' | 'user'; from?: string; to?: string; csv: boolean }) =>
        run(runUsage(options)),
    );

  program
    .command('reconcile')
    .description('settle pending ledger rows now from the upstream generation stats')
    .option('--older-than <seconds>', 'only rows at least this old', seconds, 60)
    .option(
      '--deadline <seconds>',
      'try rows still waiting again, with backoff, until this much time has passed',
      seconds,
      120,
    )
    .option('--timeout <seconds>', 'give up each upstream lookup after this long', positiveSeconds, 10)
    .option(
      '--requeue',
      'first queue spooled turns that were moved aside (quarantined) again, once their cause is fixed',
    )
    .addHelpText(
      'after',
      '\nPrints a line per row and a summary; exit 0 when no row it took is left pending, 1 otherwise.' +
        SETTINGS_NOTE('DATABASE_URL or CRUX_DATA_DIR, OPENROUTER_API_KEY'),
    )
    .action((options: ReconcileOptions) => run(runReconcile(options)));

  program
    .command('model')
    .description('the configured model')
    .command('check')
    .description('validate OPENROUTER_MODEL against the catalog and print its pricing')
    .addHelpText('after', SETTINGS_NOTE('OPENROUTER_MODEL, OPENROUTER_API_KEY'))
    .action(() => run(runModelCheck()));

  return program;
}
