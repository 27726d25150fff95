/**
 * Builds the client package (shared/client) for use outside this repo: one ESM bundle each for the
 * library and the CLI (no runtime dependencies: Node's fetch and crypto), and declarations that
 * need nothing outside the package. Then `npm pack ./shared/client` makes the tarball.
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
const { values } = parseArgs({ options: { out: { type: 'string', default: join(pkg, 'dist') } } });
const out = values.out;

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [join(pkg, 'vault-client.ts'), join(pkg, 'cli.ts')],
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  sourcemap: true,
  logLevel: 'warning',
});
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
console.log(`built the client package into ${out}`);
