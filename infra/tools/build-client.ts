/**
 * Builds the client package (shared/client) for use outside this repo: ESM bundles of the library
 * and the CLI (no runtime dependencies: Node's fetch and crypto), and declarations that need
 * nothing outside the package. Then `npm pack ./shared/client` makes the tarball.
 *
 * The CLI's entry (dist/cli.js) stays a few lines that only check the Node.js version: the CLI
 * itself is a chunk it loads after, so a Node older than the package's engines gets one line
 * saying which Node it needs, not a parse error or a silent exit.
 *
 *   npm run client:build [-- --out <dir>]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');
const pkg = join(root, 'shared', 'client');

/** The package's JavaScript: `<out>/vault-client.js`, `<out>/cli.js` and the chunks they share. */
export async function bundleClient(out: string): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: [join(pkg, 'vault-client.ts'), join(pkg, 'cli.ts')],
    outdir: out,
    bundle: true,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    target: 'node24',
    sourcemap: true,
    logLevel: 'warning',
    // The AWS credential chain IAM login loads is CommonJS that require()s Node's modules: ESM has
    // no require, so each file gets one (a line; the chain itself is only loaded by IAM login).
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
}

/** Declarations of the library that name only the package's own files. */
function declareClient(out: string): void {
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      ...['--declaration', '--emitDeclarationOnly', '--outDir', out],
      ...['--module', 'nodenext', '--target', 'es2024', '--strict', '--skipLibCheck'],
      ...['--allowImportingTsExtensions', '--types', 'node'],
      join(pkg, 'vault-client.ts'),
    ],
    { cwd: root, stdio: 'inherit' },
  );
  // Declarations keep the sources' `.ts` specifiers; published, they name the emitted files.
  for (const file of readdirSync(out).filter((name) => name.endsWith('.d.ts'))) {
    const path = join(out, file);
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll(/from '(\.\/[\w-]+)\.ts'/g, "from '$1.js'"));
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(pkg, 'dist') } } });
  await bundleClient(values.out);
  declareClient(values.out);
  console.log(`built the client package into ${values.out}`);
}
