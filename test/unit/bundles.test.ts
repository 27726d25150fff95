/**
 * A function's bundle holds its own operation's schemas and not the others': what each Lambda
 * builds at cold start stays its own (shared/schemas.ts and shared/operations.ts are droppable).
 * And no module the cold-start work took out creeps back (test/bench/REPORT.md, section 3).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeHandlerBundles } from '../../infra/constructs/handler-bundles.ts';
import { bundle, bundleWithInputs } from '../bench/lib/cold-start.ts';

const root = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'vault-bundle-'));
const bundled = async (lambda: string) => {
  const file = join(out, `${lambda}.mjs`);
  await bundle(join(root, 'lambdas', lambda, 'handler.ts'), file);
  return readFileSync(file, 'utf8');
};

// The first bundle asked for makes every handler's, as a synth does: seconds, more on a busy machine.
afterAll(removeHandlerBundles);

describe('bundles as the CDK app makes them', () => {
  it('get-secret carries its own query schema, not the rotation, search or audit ones', async () => {
    const code = await bundled('get-secret');
    expect(code).toContain('stage must be current, previous or pending');
    expect(code).not.toContain('rotator.type must be password');
    expect(code).not.toContain('keywords must be a string');
    expect(code).not.toContain('since must be an RFC 3339 time');
    // Response schemas document the API; no function needs them to answer.
    expect(code).not.toContain('start_time');
  }, 60_000);

  it('put-rotation carries the rotator schema it validates with', async () => {
    expect(await bundled('put-rotation')).toContain('rotator.type must be password');
  }, 60_000);
});

/**
 * Modules each of which cost a full-stack function milliseconds of import or tens of KB, replaced
 * by zod/mini or by a few lines of our own (classic zod ~75 KB and ~30 ms of CPU at import on the
 * bench machine, Powertools Logger 21 KB, lru-cache 19 KB, the security-headers middleware 6 KB).
 */
const HEAVY = [
  /node_modules\/zod\/v4\/classic\//,
  /node_modules\/@aws-lambda-powertools\/logger\//,
  /node_modules\/lru-cache\//,
  /node_modules\/@middy\/http-security-headers\//,
];
/** Above the report's target (1.30x), below what any one of the modules above would add back. */
const MAX_RATIO = 1.4;

describe('cold start: what a full-stack function carries beside the SDK', () => {
  const baseline = bundle(join(root, 'test/bench/fixtures/minimal-handler.ts'), join(out, 'baseline.mjs'));

  it.each(['get-secret', 'update-secret', 'list-secrets', 'put-rotation'])(
    '%s carries none of the heavy modules and stays within 1.4x the SDK-only baseline',
    async (lambda) => {
      const { bytes, inputs } = await bundleWithInputs(
        join(root, 'lambdas', lambda, 'handler.ts'),
        join(out, `${lambda}.checked.mjs`),
      );
      expect(Object.keys(inputs).filter((path) => HEAVY.some((heavy) => heavy.test(path)))).toEqual([]);
      expect(bytes / (await baseline)).toBeLessThanOrEqual(MAX_RATIO);
    },
    30_000,
  );
});
