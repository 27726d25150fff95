/**
 * `cdk synth` exactly as `npm run synth` and `cdk deploy` run it: the CLI, the app entry
 * (infra/app.ts, cdk-nag failing the synth on any unacknowledged finding), every function bundled
 * by esbuild. The other infra tests skip bundling; this one does not. It writes to a folder of its
 * own, so two runs never meet in cdk.out, and it replaces the separate synth step `npm test` had:
 * here it runs beside the tests that wait, instead of after all of them.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from '../../infra/constructs/vault-function.ts';
import { allOperations } from '../../shared/operations.ts';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'vault-synth-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

type Resource = { Type: string; Properties: { Code?: { S3Key?: unknown } } };
const resources = () =>
  readdirSync(out)
    .filter((file) => file.endsWith('.template.json'))
    .flatMap((file) =>
      Object.entries(
        (JSON.parse(readFileSync(join(out, file), 'utf8')) as { Resources: Record<string, Resource> })
          .Resources,
      ),
    );

it('synthesizes the app with the CLI, every function bundled, into a folder of its own', {
  timeout: 300_000,
}, async () => {
  await run(join(ROOT, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--no-notices', '-o', out], {
    cwd: ROOT,
    // The app runs as `node infra/app.ts` (cdk.json): this Node, whatever `node` is first on PATH.
    env: {
      ...process.env,
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  const functions = resources().filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');
  // One function per operation and the background ones...
  expect(functions.length).toBeGreaterThan(allOperations.length);
  // ...each from an asset holding its ESM bundle.
  const unbundled = functions
    .filter(([, { Properties }]) => {
      const hash = String(Properties.Code?.S3Key).replace(/\.zip$/, '');
      return !existsSync(join(out, `asset.${hash}`, 'index.mjs'));
    })
    .map(([id]) => id);
  expect(unbundled).toEqual([]);
});
