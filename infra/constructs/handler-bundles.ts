/**
 * The code of every vault function: its handler's ESM bundle (bundling.ts's options), made when a
 * synth needs it. The first function to need one bundles every handler under `lambdas/` in one
 * esbuild run; NodejsFunction ran esbuild once per function, each run parsing the SDK again
 * (34 processes, some 35 s of a 42 s `cdk synth` on 2 cores, against ~5 s for one run).
 *
 * A synth that skips bundling (tests passing `aws:cdk:bundling-stacks: []`, `cdk deploy` of
 * another stack) never calls the bundler. The asset's hash is the bundle's (AssetHashType.OUTPUT):
 * a change anywhere in what a handler imports gives its function a new version, and nothing else.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { ESBUILD_OPTIONS, ROOT } from './bundling.ts';

const LAMBDAS = join(ROOT, 'lambdas');

/** The bundle of each handler folder, made once per process, and the folder holding them. */
let bundles: Map<string, string> | undefined;
let bundleDir: string | undefined;

/**
 * Removes the bundles (~17 MB). A process that exits does it by itself; one that lives on after
 * using them, such as a test worker, calls this.
 */
export function removeHandlerBundles(): void {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  bundles = undefined;
  bundleDir = undefined;
}

function bundleAll(): Map<string, string> {
  const handlers = readdirSync(LAMBDAS).filter((dir) => existsSync(join(LAMBDAS, dir, 'handler.ts')));
  const outdir = mkdtempSync(join(tmpdir(), 'vault-bundles-'));
  bundleDir = outdir;
  process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  const { sourceMap, sourcesContent, banner, mainFields, ...options } = ESBUILD_OPTIONS;
  buildSync({
    ...options,
    entryPoints: Object.fromEntries(
      handlers.map((dir) => [`${dir}/index`, join(LAMBDAS, dir, 'handler.ts')]),
    ),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    absWorkingDir: ROOT,
    mainFields: [...mainFields],
    sourcemap: sourceMap,
    sourcesContent,
    banner: { js: banner },
    logLevel: 'warning',
  });
  return new Map(handlers.map((dir) => [dir, join(outdir, dir, 'index.mjs')]));
}

/**
 * The deployed bundle of `lambdas/<handlerDir>/handler.ts` (made with every other handler's): what
 * the function runs, and what the benchmark measures.
 */
export function handlerBundle(handlerDir: string): string {
  bundles ??= bundleAll();
  const bundle = bundles.get(handlerDir);
  if (!bundle) throw new Error(`no handler at lambdas/${handlerDir}/handler.ts`);
  return bundle;
}

/** The Lambda code of the handler in `lambdas/<handlerDir>/handler.ts`: `index.mjs`, exporting `handler`. */
export function handlerCode(handlerDir: string): Code {
  if (!existsSync(join(LAMBDAS, handlerDir, 'handler.ts')))
    throw new Error(`no handler at lambdas/${handlerDir}/handler.ts`);
  return Code.fromAsset(join(LAMBDAS, handlerDir), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: bundling is local, and fails the synth rather than fall back to Docker.
      image: DockerImage.fromRegistry('scratch'),
      local: {
        tryBundle(outputDir) {
          copyFileSync(handlerBundle(handlerDir), join(outputDir, 'index.mjs'));
          return true;
        },
      },
    },
  });
}
