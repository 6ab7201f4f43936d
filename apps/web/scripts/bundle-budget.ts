import { gzipSync } from 'node:zlib';
import type { Plugin, Rollup } from 'vite';

type OutputBundle = Rollup.OutputBundle;
type OutputChunk = Rollup.OutputChunk;

/** The entry chunk and every chunk it imports statically: what a first visit downloads. */
function initialChunks(bundle: OutputBundle): OutputChunk[] {
  const chunks = new Map<string, OutputChunk>();
  const visit = (fileName: string) => {
    const chunk = bundle[fileName];
    if (chunk?.type !== 'chunk' || chunks.has(fileName)) return;
    chunks.set(fileName, chunk);
    for (const imported of chunk.imports) visit(imported);
  };
  for (const [fileName, output] of Object.entries(bundle))
    if (output.type === 'chunk' && output.isEntry) visit(fileName);
  return [...chunks.values()];
}

const gzippedKb = (chunks: OutputChunk[]) =>
  chunks.reduce((sum, chunk) => sum + gzipSync(chunk.code, { level: 9 }).length, 0) / 1000;

/**
 * Prints the gzipped size of the main JavaScript (entry + static imports) and of all JavaScript,
 * and fails the build when the main JavaScript is over `budgetKb`.
 */
export function bundleBudget(options: { budgetKb: number }): Plugin {
  return {
    name: 'crux-bundle-budget',
    apply: 'build',
    generateBundle(_output, bundle) {
      const main = gzippedKb(initialChunks(bundle));
      const all = gzippedKb(
        Object.values(bundle).filter(
          (o): o is OutputChunk => o.type === 'chunk' && o.fileName.endsWith('.js'),
        ),
      );
      const line = `[web] main JS ${main.toFixed(1)} kB gzipped (budget ${options.budgetKb} kB); all JS ${all.toFixed(1)} kB gzipped`;
      console.log(`\n${line}`);
      if (main > options.budgetKb) this.error(`${line}: over budget`);
    },
  };
}
