/**
 * A function's bundle holds its own operation's schemas and not the others': what each Lambda
 * builds at cold start stays its own (shared/schemas.ts and shared/operations.ts are droppable).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../bench/lib/cold-start.ts';

const root = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'vault-bundle-'));
const bundled = async (lambda: string) => {
  const file = join(out, `${lambda}.mjs`);
  await bundle(join(root, 'lambdas', lambda, 'handler.ts'), file);
  return readFileSync(file, 'utf8');
};

describe('bundles as the CDK app makes them', () => {
  it('get-secret carries its own query schema, not the rotation, search or audit ones', async () => {
    const code = await bundled('get-secret');
    expect(code).toContain('stage must be current, previous or pending');
    expect(code).not.toContain('rotator.type must be password');
    expect(code).not.toContain('keywords must be a string');
    expect(code).not.toContain('since must be an RFC 3339 time');
    // Response schemas document the API; no function needs them to answer.
    expect(code).not.toContain('start_time');
  }, 30_000);

  it('put-rotation carries the rotator schema it validates with', async () => {
    expect(await bundled('put-rotation')).toContain('rotator.type must be password');
  }, 30_000);
});
