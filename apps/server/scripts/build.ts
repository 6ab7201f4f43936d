/**
 * The production build of the server: `apps/server/src/cli/main.ts` and the workspace packages it
 * imports (`@crux/*`) bundled by esbuild into one ES module, `apps/server/dist/cli/main.js`, with
 * a source map. Other dependencies stay in node_modules. Written in erasable TypeScript only, so
 * `bin/crux.js` loads it with Node's own type stripping (no tsx at run time).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const SERVER = fileURLToPath(new URL('../', import.meta.url));
const REPO = join(SERVER, '../..');
export const SERVER_BUILD = join(SERVER, 'dist/cli/main.js');
/** The sources the last build read (from esbuild's metafile): a newer or missing one makes it stale. */
const INPUTS = join(SERVER, 'dist/inputs.json');
const THIS_SCRIPT = fileURLToPath(import.meta.url);

/**
 * Bare imports stay external except the workspace packages, whose `exports` point at TypeScript.
 * `import.meta.url` keeps meaning the source file (the migrations and the web app are found
 * relative to it): it becomes that file's URL relative to the bundle's own.
 */
const plugin: Plugin = {
  name: 'crux-server',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@crux/') ? undefined : { path: args.path, external: true },
    );
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromBundle = relative(dirname(SERVER_BUILD), args.path).split('\\').join('/');
      return {
        contents: source.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
        ),
        loader: 'ts',
      };
    });
  },
};

/** Builds the server; returns the number of source files bundled. */
export async function buildServer(): Promise<number> {
  const result = await build({
    absWorkingDir: REPO,
    entryPoints: [join(SERVER, 'src/cli/main.ts')],
    outfile: SERVER_BUILD,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    sourcemap: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [plugin],
  });
  const inputs = Object.keys(result.metafile.inputs);
  // Each file replaced whole (a running server or a concurrent build never reads half a file),
  // the bundle last: its time stamp is the build's.
  const files = [
    { path: INPUTS, contents: `${JSON.stringify([...inputs, relative(REPO, THIS_SCRIPT)], null, 1)}\n` },
    ...result.outputFiles.map((file) => ({ path: file.path, contents: file.contents })),
  ].sort((a, b) => Number(a.path === SERVER_BUILD) - Number(b.path === SERVER_BUILD));
  mkdirSync(dirname(SERVER_BUILD), { recursive: true });
  for (const file of files) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  return inputs.length;
}

/** Why the server needs a build, or undefined when `apps/server/dist` is up to date. */
export function serverStaleReason(): string | undefined {
  if (!existsSync(SERVER_BUILD) || !existsSync(INPUTS)) return 'apps/server/dist is missing';
  const builtAt = statSync(SERVER_BUILD).mtimeMs;
  for (const input of JSON.parse(readFileSync(INPUTS, 'utf8')) as string[]) {
    const path = join(REPO, input);
    if (!existsSync(path)) return `${input} is gone`;
    if (statSync(path).mtimeMs > builtAt) return `${input} is newer than the build`;
  }
  return undefined;
}

/** Builds the server when its build is missing or older than a source it read; prints what it does. */
export async function ensureServerBuild(log: (line: string) => void, quietWhenFresh = false): Promise<void> {
  const reason = serverStaleReason();
  if (!reason) {
    if (!quietWhenFresh) log('[server] apps/server/dist is up to date');
    return;
  }
  log(`[server] building apps/server/dist (${reason})…`);
  const started = Date.now();
  const files = await buildServer();
  log(`[server] built ${files} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const started = Date.now();
    const files = await buildServer();
    console.log(
      `[server] built ${relative(REPO, SERVER_BUILD)} from ${files} files in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
