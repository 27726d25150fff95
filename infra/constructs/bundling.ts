/**
 * How every vault function is bundled and started, without the CDK: handler-bundles.ts hands
 * these options to esbuild for every function the app deploys, and the benchmark and the bundle
 * tests measure those very bundles.
 */

import { join } from 'node:path';

/** The repository: what handler paths and esbuild's working directory are relative to. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** esbuild options (`sourceMap` and `sourcesContent` are esbuild's `sourcemap`, `sourcesContent`). */
export const ESBUILD_OPTIONS = {
  format: 'esm',
  // The SDK's ESM builds: with the default main fields the first SDK call fails on a dynamic require.
  mainFields: ['module', 'main'],
  target: 'node24',
  minify: true,
  // Minified, a domain error's `new.target.name` would log as `xi`, not `PermissionDeniedError`.
  keepNames: true,
  // No source map: nothing the vault logs carries a stack (describeError keeps class names and
  // codes), and Node's --enable-source-maps reads and parses a function's ~1 MB map at every cold
  // start (test/bench/REPORT.md, section 3). With keepNames a minified stack still names its
  // functions; esbuild is deterministic, so `cdk synth` with sourceMap on rebuilds the map.
  sourceMap: false,
  sourcesContent: false,
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
} as const;

/** Environment every function starts with, beside its own settings. */
export const FUNCTION_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: 'vault',
} as const satisfies Record<string, string>;
