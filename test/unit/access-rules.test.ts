import { describe, expect, it } from 'vitest';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { deleteSecret } from '../../shared/domain/delete-secret.ts';
import {
  DuplicateSecretError,
  PermissionDeniedError,
  SecretNotFoundError,
} from '../../shared/domain/errors.ts';
import { getSecret } from '../../shared/domain/get-secret.ts';
import { getSecretMetadata } from '../../shared/domain/get-secret-metadata.ts';
import { updateSecret } from '../../shared/domain/update-secret.ts';
import { caller } from '../support/callers.ts';
import { memoryDeps } from '../support/memory-store.ts';

const adder = caller('creator', ['vaultAdd']);
const reader = caller('rita', ['user'], ['readers']);
const writer = caller('walt', ['user'], ['writers']);
const stranger = caller('sam', ['user'], ['others']);
const manager = caller('mona', ['vaultManage']);
const admin = caller('ada', ['admin']);

async function withSharedSecret() {
  const deps = memoryDeps();
  await createSecret(deps, adder, {
    ref: { name: 'db/password' },
    data: { password: 'hunter2' },
    readRoles: ['readers'],
    writeRoles: ['writers'],
  });
  return deps;
}

describe('shared secret access', () => {
  it('gives data to a read role only', async () => {
    const deps = await withSharedSecret();
    expect((await getSecret(deps, reader, { name: 'db/password' })).data).toEqual({ password: 'hunter2' });
    expect((await getSecret(deps, writer, { name: 'db/password' })).data).toBeUndefined();
    expect((await getSecret(deps, manager, { name: 'db/password' })).data).toBeUndefined();
  });

  it('answers a caller without a role exactly as for a missing secret', async () => {
    const deps = await withSharedSecret();
    const hidden = await getSecret(deps, stranger, { name: 'db/password' }).catch((error) => error);
    const missing = await getSecret(deps, stranger, { name: 'nope' }).catch((error) => error);
    expect(hidden).toBeInstanceOf(SecretNotFoundError);
    expect(missing).toBeInstanceOf(SecretNotFoundError);
    expect(hidden.message).toBe(missing.message);
    await expect(getSecretMetadata(deps, stranger, { name: 'db/password' })).rejects.toBeInstanceOf(
      SecretNotFoundError,
    );
    await expect(
      updateSecret(deps, stranger, { name: 'db/password' }, { data: { x: 1 } }),
    ).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('a role without the user scope grants nothing', async () => {
    const deps = await withSharedSecret();
    const roleOnly = caller('bot', ['vaultAdd'], ['readers']);
    await expect(getSecret(deps, roleOnly, { name: 'db/password' })).rejects.toBeInstanceOf(
      SecretNotFoundError,
    );
  });

  it('lets writers and managers update, refuses readers with 403', async () => {
    const deps = await withSharedSecret();
    expect(
      (await updateSecret(deps, writer, { name: 'db/password' }, { data: { password: 'w' } })).version,
    ).toBe(2);
    expect(
      (await updateSecret(deps, manager, { name: 'db/password' }, { readRoles: ['readers', 'more'] }))
        .version,
    ).toBe(3);
    await expect(
      updateSecret(deps, reader, { name: 'db/password' }, { data: { x: 1 } }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    const seen = await getSecret(deps, reader, { name: 'db/password' });
    expect(seen.data).toEqual({ password: 'w' });
    expect(seen.readRoles).toEqual(['readers', 'more']);
    expect(seen.updatedBy).toBe('mona');
  });

  it('a role-only update keeps the data readable (it stays bound to the version it was sealed at)', async () => {
    const deps = await withSharedSecret();
    await updateSecret(deps, manager, { name: 'db/password' }, { writeRoles: [] });
    const seen = await getSecret(deps, reader, { name: 'db/password' });
    expect(seen).toMatchObject({ version: 2, data: { password: 'hunter2' }, writeRoles: [] });
  });

  it('lets admin and vaultManage delete; a duplicate create is refused', async () => {
    const deps = await withSharedSecret();
    await expect(
      createSecret(deps, adder, { ref: { name: 'db/password' }, data: {}, readRoles: [], writeRoles: [] }),
    ).rejects.toBeInstanceOf(DuplicateSecretError);
    await expect(deleteSecret(deps, reader, { name: 'db/password' })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    await deleteSecret(deps, admin, { name: 'db/password' });
    await expect(getSecret(deps, reader, { name: 'db/password' })).rejects.toBeInstanceOf(
      SecretNotFoundError,
    );
    await expect(deleteSecret(deps, manager, { name: 'db/password' })).rejects.toBeInstanceOf(
      SecretNotFoundError,
    );
  });
});

describe('personal secret access', () => {
  const alice = caller('alice', ['user']);
  const bob = caller('bob', ['user']);

  it('only the owner reads the data; managers see and manage it without data', async () => {
    const deps = memoryDeps();
    const ref = { name: 'ssh key', ownerId: 'alice' };
    await createSecret(deps, alice, { ref, data: { key: 'k' }, readRoles: [], writeRoles: [] });
    expect((await getSecret(deps, alice, ref)).data).toEqual({ key: 'k' });
    expect((await getSecret(deps, manager, ref)).data).toBeUndefined();
    expect((await getSecret(deps, admin, ref)).data).toBeUndefined();
    await expect(getSecret(deps, bob, ref)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(
      createSecret(deps, bob, {
        ref: { name: 'x', ownerId: 'alice' },
        data: {},
        readRoles: [],
        writeRoles: [],
      }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('names are unique per owner, not globally', async () => {
    const deps = memoryDeps();
    await createSecret(deps, alice, {
      ref: { name: 'token', ownerId: 'alice' },
      data: { a: 1 },
      readRoles: [],
      writeRoles: [],
    });
    await createSecret(deps, bob, {
      ref: { name: 'token', ownerId: 'bob' },
      data: { b: 1 },
      readRoles: [],
      writeRoles: [],
    });
    await createSecret(deps, adder, {
      ref: { name: 'token' },
      data: { shared: 1 },
      readRoles: ['readers'],
      writeRoles: [],
    });
    expect((await getSecret(deps, alice, { name: 'token', ownerId: 'alice' })).data).toEqual({ a: 1 });
    expect((await getSecret(deps, bob, { name: 'token', ownerId: 'bob' })).data).toEqual({ b: 1 });
    expect((await getSecret(deps, reader, { name: 'token' })).data).toEqual({ shared: 1 });
  });
});
