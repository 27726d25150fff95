/**
 * Rotators are trusted by name only: the rotation settings of a secret may name a rotator Lambda
 * only if the deployer listed it (ROTATOR_ARNS), and the rotation never sends values to any other.
 */
import { describe, expect, it } from 'vitest';
import { configureRotation } from '../../shared/domain/configure-rotation.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { RuleViolationError } from '../../shared/domain/errors.ts';
import type { RotationContext, TrustedRotators } from '../../shared/domain/rotators.ts';
import { RotatorError, TrustedRotatorInvoker } from '../../shared/rotation/rotator-invokers.ts';
import { trustedRotatorsFrom } from '../../shared/rotation/trusted-rotators.ts';
import { caller } from '../support/callers.ts';
import { memoryDeps } from '../support/memory-store.ts';

const LISTED = 'arn:aws:lambda:eu-west-1:123456789012:function:db-rotator';
const UNLISTED = 'arn:aws:lambda:eu-west-1:123456789012:function:exfiltrate';
const owner = caller('ops', ['vaultAdd', 'vaultManage', 'user'], ['app']);
const ref = { name: 'db/password' };
const cloud: TrustedRotators = { arns: new Set([LISTED]), local: false };

async function secretWithDeps(trusted: TrustedRotators) {
  const deps = { ...memoryDeps(), trustedRotators: trusted };
  await createSecret(deps, owner, {
    ref,
    data: { password: 'first' },
    readRoles: ['app'],
    writeRoles: ['app'],
  });
  return deps;
}

describe('rotation settings name only trusted rotators', () => {
  it('an unlisted rotator Lambda is refused (422 RULE_VIOLATION at rotator.arn) and nothing is stored', async () => {
    const deps = await secretWithDeps(cloud);
    const error = await configureRotation(deps, owner, ref, {
      rotator: { type: 'lambda', arn: UNLISTED },
      schedule: 'rate(1 day)',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RuleViolationError);
    expect(error).toMatchObject({ code: 'RULE_VIOLATION', property: 'rotator.arn' });
    expect((error as Error).message).toMatch(/rotator\.arn must be one of the vault's trusted rotators/);
    expect((await deps.secrets.get(ref))?.rotation).toBeUndefined();
  });

  it('a listed rotator Lambda and the built-in generators are accepted', async () => {
    const deps = await secretWithDeps(cloud);
    await expect(
      configureRotation(deps, owner, ref, {
        rotator: { type: 'lambda', arn: LISTED },
        schedule: 'rate(1 day)',
      }),
    ).resolves.toMatchObject({ rotator: { arn: LISTED } });
    await expect(
      configureRotation(deps, owner, ref, {
        rotator: { type: 'random-bytes', field: 'key', bytes: 32, encoding: 'hex' },
        schedule: 'rate(1 day)',
      }),
    ).resolves.toMatchObject({ rotator: { type: 'random-bytes' } });
  });

  it('local:<module> rotators are trusted only in the local runtime', async () => {
    const settings = {
      rotator: { type: 'lambda', arn: 'local:demo-database' } as const,
      schedule: 'rate(1 day)',
    };
    const inCloud = await secretWithDeps(cloud);
    await expect(configureRotation(inCloud, owner, ref, settings)).rejects.toBeInstanceOf(RuleViolationError);
    const locally = await secretWithDeps({ arns: new Set(), local: true });
    await expect(configureRotation(locally, owner, ref, settings)).resolves.toBeDefined();
  });

  it('the list comes from ROTATOR_ARNS (comma-separated), local modules with LOCAL_ROTATORS_DIR', () => {
    expect(trustedRotatorsFrom({ ROTATOR_ARNS: ` ${LISTED} , ${UNLISTED},` })).toEqual({
      arns: new Set([LISTED, UNLISTED]),
      local: false,
    });
    expect(trustedRotatorsFrom({})).toEqual({ arns: new Set(), local: false });
    expect(trustedRotatorsFrom({ LOCAL_ROTATORS_DIR: '/rotators' }).local).toBe(true);
  });
});

describe('rotations invoke only trusted rotators', () => {
  const context: RotationContext = { secret: ref, token: 't', current: { password: 'first' } };

  it('an unlisted rotator (settings stored before the list changed) is never invoked', async () => {
    const invoked: string[] = [];
    const invoker = new TrustedRotatorInvoker(
      {
        invoke: async (arn) => {
          invoked.push(arn);
          return undefined;
        },
      },
      cloud,
    );
    await expect(invoker.invoke(UNLISTED, 'createSecret', context)).rejects.toBeInstanceOf(RotatorError);
    await invoker.invoke(LISTED, 'createSecret', context);
    expect(invoked).toEqual([LISTED]);
  });
});
