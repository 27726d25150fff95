/**
 * A manager who may configure a secret's rotation cannot have its values sent to a function of
 * their choosing: a rotator Lambda must be one the deployer listed (ROTATOR_ARNS, from the
 * construct's rotatorArns). Through the whole stack, as the API answers it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectShapedError } from '../support/error-shape.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

const LISTED = 'arn:aws:lambda:eu-west-1:123456789012:function:db-rotator';
const UNLISTED = 'arn:aws:lambda:eu-west-1:123456789012:function:exfiltrate';

let vault: InProcessVault;
let manager: string;

beforeAll(async () => {
  // As the CDK app sets it on the functions that configure and run rotations.
  process.env.ROTATOR_ARNS = LISTED;
  vault = await startInProcessVault();
  manager = await vault.issuer.mint({
    sub: 'ops',
    scopes: ['user', 'vaultAdd', 'vaultManage'],
    roles: ['app'],
  });
  const created = await vault.call(manager, 'POST', '/secrets', {
    name: 'db/password',
    data: { password: 'first' },
    read_roles: [{ id: 'app' }],
    write_roles: [{ id: 'app' }],
  });
  expect(created.status, created.text).toBe(201);
});

afterAll(async () => {
  delete process.env.ROTATOR_ARNS;
  await vault.close();
});

const configure = (arn: string) =>
  vault.call(manager, 'PUT', '/rotation/secrets/db%2Fpassword', {
    rotator: { type: 'lambda', arn },
    schedule: 'rate(1 day)',
  });

describe('rotation settings name only trusted rotators', () => {
  it('a rotator Lambda the deployer did not list is refused with 422 at rotator.arn, and nothing changes', async () => {
    const before = await vault.snapshot({ trail: false });
    const refused = await configure(UNLISTED);
    expectShapedError(refused, 422, 'RULE_VIOLATION');
    expect(refused.json).toMatchObject({ property: 'rotator.arn' });
    expect(refused.json.error_message).toMatch(/rotator\.arn must be one of the vault's trusted rotators/);
    expect(await vault.snapshot({ trail: false })).toBe(before);
    const rotation = await vault.call(manager, 'GET', '/rotation/secrets/db%2Fpassword');
    expect(rotation.json?.rotation).toBeUndefined();
  });

  it('a listed rotator, and locally the built-in local: rotators, are accepted', async () => {
    const listed = await configure(LISTED);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.rotation.rotator).toMatchObject({ type: 'lambda', arn: LISTED });
    const local = await configure('local:demo-database');
    expect(local.status, local.text).toBe(200);
  });
});
