/**
 * patchSecret against in-memory fakes, with the race made deterministic: the patcher itself lets
 * another writer in between the read and the write, as a concurrent request would.
 */
import { describe, expect, it } from 'vitest';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { PreconditionFailedError, VersionConflictError } from '../../shared/domain/errors.ts';
import { getSecret } from '../../shared/domain/get-secret.ts';
import { MAX_WRITE_ATTEMPTS } from '../../shared/domain/guards.ts';
import { mergePatch } from '../../shared/domain/merge-patch.ts';
import type { SecretData } from '../../shared/domain/model.ts';
import { type Patcher, patchSecret } from '../../shared/domain/patch-secret.ts';
import { updateSecret } from '../../shared/domain/update-secret.ts';
import { mergePatchUpdate } from '../../shared/http/merge-patch-body.ts';
import { caller } from '../support/callers.ts';
import { memoryDeps } from '../support/memory-store.ts';

const owner = caller('olga', ['user', 'vaultAdd'], ['team']);
const other = caller('otto', ['user'], ['team']);
const ref = { name: 'db' };

async function setUp() {
  const deps = memoryDeps();
  await createSecret(deps, owner, { ref, data: { a: 1 }, readRoles: ['team'], writeRoles: ['team'] });
  return deps;
}

/** Merges `data` into the current data; `meanwhile` runs before each of its first `races` calls. */
function dataPatcher(data: SecretData, meanwhile: () => Promise<unknown>, races = 1) {
  const seen: number[] = [];
  const patcher: Patcher = async (current, currentData) => {
    seen.push(current.version);
    if (seen.length <= races) await meanwhile();
    return { data: mergePatch(await currentData(), data) as SecretData };
  };
  return { patcher, seen };
}

describe('patchSecret', () => {
  it('a write in between: reads again, applies again to the new version, loses neither change', async () => {
    const deps = await setUp();
    const { patcher, seen } = dataPatcher({ b: 2 }, () =>
      updateSecret(deps, other, ref, { data: { a: 1, c: 3 } }),
    );
    const written = await patchSecret(deps, owner, ref, patcher);
    expect(seen).toEqual([1, 2]);
    expect(written.version).toBe(3);
    expect((await getSecret(deps, owner, ref)).data).toEqual({ a: 1, c: 3, b: 2 });
    const updates = deps.audit.of(ref).filter((record) => record.action === 'update');
    expect(updates.map((record) => [record.actor, record.version, record.reason])).toEqual([
      ['otto', 2, undefined],
      ['olga', 3, 'merge patch'],
    ]);
  });

  it('with If-Match, a write in between is a 412 and the patch writes nothing', async () => {
    const deps = await setUp();
    const { patcher } = dataPatcher({ b: 2 }, () => updateSecret(deps, other, ref, { data: { a: 9 } }));
    await expect(patchSecret(deps, owner, ref, patcher, 1)).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await getSecret(deps, owner, ref)).data).toEqual({ a: 9 });
  });

  it('a writer that keeps losing gets a 409 after the bounded attempts, having written nothing', async () => {
    const deps = await setUp();
    const { patcher, seen } = dataPatcher(
      { b: 2 },
      () => updateSecret(deps, other, ref, { description: 'moved on' }),
      Number.POSITIVE_INFINITY,
    );
    await expect(patchSecret(deps, owner, ref, patcher)).rejects.toBeInstanceOf(VersionConflictError);
    expect(seen).toHaveLength(MAX_WRITE_ATTEMPTS);
    expect((await getSecret(deps, owner, ref)).data).toEqual({ a: 1 });
  });

  it('decrypts the stored data only for a patch that merges into it; else the data stays sealed as it was', async () => {
    const deps = await setUp();
    let opened = 0;
    const { open } = deps.cipher;
    deps.cipher = {
      ...deps.cipher,
      open: (sealed, binding) => {
        opened++;
        return open(sealed, binding);
      },
    };
    const patch = (body: Record<string, unknown>) =>
      patchSecret(deps, owner, ref, mergePatchUpdate(ref, body));
    await patch({ description: 'metadata only', tags: [{ key: 'k', value: 'v' }] });
    expect(opened).toBe(0);
    expect(await deps.secrets.get(ref)).toMatchObject({ version: 2, sealedVersion: 1 });
    await patch({ data: { b: 2 } });
    expect(opened).toBe(1);
    expect(await deps.secrets.get(ref)).toMatchObject({ version: 3, sealedVersion: 3 });
    await patch({ data: null });
    expect(opened).toBe(1);
    expect((await getSecret(deps, owner, ref)).data).toEqual({});
  });
});
