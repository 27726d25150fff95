/**
 * What a rotator Lambda answers is held to the rules an API write meets before it becomes the
 * pending value: exact JSON (no altered number, no negative zero, no lone surrogate, no member
 * name twice) and the schema of a PUT's `data` (an object, at most 64 KiB, at most 32 levels).
 * A refusal fails the step with a RotatorError that names the problem, never the value.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { configureRotation } from '../../shared/domain/configure-rotation.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { RotationFailedError } from '../../shared/domain/errors.ts';
import { getSecret } from '../../shared/domain/get-secret.ts';
import type { RotationDeps } from '../../shared/domain/ports.ts';
import { rotateSecret } from '../../shared/domain/rotate-secret.ts';
import type { RotationContext, RotationStep } from '../../shared/domain/rotators.ts';
import {
  LambdaRotatorInvoker,
  ModuleRotatorInvoker,
  RotatorError,
} from '../../shared/rotation/rotator-invokers.ts';
import { caller } from '../support/callers.ts';
import { memoryDeps } from '../support/memory-store.ts';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:rotator';
/** In every refused reply: no error message may repeat it. */
const SECRET = 'hunter2-value';
const context: RotationContext = {
  secret: { name: 'db/password' },
  token: 'token-1',
  current: { password: 'old' },
};

/** A Lambda client whose function answers with these bytes. */
const lambdaAnswering = (payload: string | Uint8Array) =>
  new LambdaRotatorInvoker({
    send: async () => ({
      Payload: typeof payload === 'string' ? new TextEncoder().encode(payload) : payload,
    }),
  } as unknown as LambdaClient);

const refusal = async (invoke: Promise<unknown>): Promise<Error> => {
  const error = await invoke.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RotatorError);
  expect((error as Error).message).not.toContain(SECRET);
  expect((error as Error).cause).toBeUndefined();
  return error as Error;
};

describe('rotator replies (Lambda)', () => {
  it('hands on a pending value exactly as the rotator wrote it', async () => {
    const invoker = lambdaAnswering(
      `{"Pending":{"password":"${SECRET}","tenth":0.1,"max":9007199254740991,"zero":0,"nested":{"a":[1,{"b":null}]}}}`,
    );
    expect(await invoker.invoke(ARN, 'createSecret', context)).toEqual({
      password: SECRET,
      tenth: 0.1,
      max: 9007199254740991,
      zero: 0,
      nested: { a: [1, { b: null }] },
    });
    // Other steps need no answer.
    expect(await lambdaAnswering('null').invoke(ARN, 'setSecret', context)).toBeUndefined();
    expect(await lambdaAnswering('').invoke(ARN, 'testSecret', context)).toBeUndefined();
  });

  it.each([
    [
      'a member name given twice',
      `{"Pending":{"password":"${SECRET}","password":"${SECRET}2"}}`,
      /Pending\.password is given more than once/,
    ],
    [
      'Pending given twice',
      `{"Pending":{"password":"${SECRET}"},"Pending":{"password":"other"}}`,
      /Pending is given more than once/,
    ],
    ['negative zero', `{"Pending":{"password":"${SECRET}","pin":-0}}`, /Pending\.pin is negative zero/],
    [
      'an integer beyond 2^53',
      `{"Pending":{"password":"${SECRET}","id":12345678901234567890}}`,
      /Pending\.id is an integer beyond/,
    ],
    [
      'a number that overflows',
      `{"Pending":{"password":"${SECRET}","n":[1e400]}}`,
      /Pending\.n\[0\] is too large/,
    ],
    ['a lone surrogate', `{"Pending":{"password":"${SECRET}\\ud800"}}`, /Pending\.password contains a lone/],
    ['data that is not an object', `{"Pending":["${SECRET}"]}`, /Pending must be a JSON object/],
    ['data that is a string', `{"Pending":"${SECRET}"}`, /Pending must be a JSON object/],
    [
      'data larger than 64 KiB',
      `{"Pending":{"password":"${SECRET}","pad":"${'x'.repeat(70_000)}"}}`,
      /Pending is larger than 65536 bytes/,
    ],
    [
      'data nested deeper than 32 levels',
      `{"Pending":{"password":"${SECRET}","deep":${'['.repeat(40)}${']'.repeat(40)}}}`,
      /Pending is nested deeper than 32 levels/,
    ],
    ['a reply that is not JSON', `{"Pending":{"password":"${SECRET}"`, /rotator reply is not valid JSON/],
    ['a forbidden key', `{"Pending":{"__proto__":{"password":"${SECRET}"}}}`, /forbidden key/],
  ])('refuses %s at createSecret, naming the problem and not the value', async (_what, payload, message) => {
    const error = await refusal(lambdaAnswering(payload).invoke(ARN, 'createSecret', context));
    expect(error.message).toMatch(/^rotator reply at createSecret refused: /);
    expect(error.message).toMatch(message);
  });

  it('refuses a reply that is not UTF-8 rather than reading U+FFFD into the value', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode(`{"Pending":{"password":"${SECRET}`),
      0xff,
      ...new TextEncoder().encode('"}}'),
    ]);
    const error = await refusal(lambdaAnswering(bytes).invoke(ARN, 'createSecret', context));
    expect(error.message).toMatch(/not valid UTF-8/);
  });

  it('holds every step to exact JSON: a duplicated member at setSecret fails it', async () => {
    const error = await refusal(lambdaAnswering('{"ok":true,"ok":false}').invoke(ARN, 'setSecret', context));
    expect(error.message).toMatch(/^rotator reply at setSecret refused: ok is given more than once/);
  });
});

describe('rotator replies (local modules, as the Lambda runtime would serialize them)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-rotators-'));
  writeFileSync(
    join(dir, 'oversized.ts'),
    `export async function handler(event) {
      return event.Step === 'createSecret' ? { Pending: { password: '${SECRET}', pad: 'x'.repeat(70000) } } : undefined;
    }\n`,
  );
  writeFileSync(
    join(dir, 'exact.ts'),
    `export async function handler(event) {
      return event.Step === 'createSecret' ? { Pending: { ...event.Current, password: '${SECRET}' } } : { ignored: 1 };
    }\n`,
  );
  const fallback = { invoke: async () => undefined };
  const invoker = new ModuleRotatorInvoker(dir, fallback);

  it('refuses data beyond 64 KiB from a local rotator too', async () => {
    const error = await refusal(invoker.invoke('local:oversized', 'createSecret', context));
    expect(error.message).toMatch(/Pending is larger than 65536 bytes/);
  });

  it('hands on a valid value, and nothing for the other steps', async () => {
    expect(await invoker.invoke('local:exact', 'createSecret', context)).toEqual({ password: SECRET });
    expect(await invoker.invoke('local:exact', 'setSecret', context)).toBeUndefined();
  });
});

describe('a refused reply through the rotation protocol', () => {
  it('fails createSecret with a RotatorError, stores no pending value, and the current value stays', async () => {
    const owner = caller('ops', ['vaultAdd', 'vaultManage', 'user'], ['app']);
    const ref = { name: 'db/password' };
    const deps = memoryDeps();
    const steps: RotationStep[] = [];
    const lambda = new LambdaRotatorInvoker({
      send: async () => {
        steps.push('createSecret');
        return {
          Payload: new TextEncoder().encode(`{"Pending":{"password":"${SECRET}","password":"x","n":-0}}`),
        };
      },
    } as unknown as LambdaClient);
    const rotation: RotationDeps = {
      ...deps,
      rotators: lambda,
      settings: { stepAttempts: 1, retryAfterFailureSeconds: 300 },
    };
    await createSecret(deps, owner, {
      ref,
      data: { password: 'first' },
      readRoles: ['app'],
      writeRoles: ['app'],
    });
    await configureRotation(
      { ...deps, trustedRotators: { arns: new Set([ARN]), local: false } },
      owner,
      ref,
      {
        rotator: { type: 'lambda', arn: ARN },
        schedule: 'rate(1 day)',
      },
    );
    const error = await rotateSecret(rotation, owner, ref, 'schedule').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RotationFailedError);
    expect(steps).toEqual(['createSecret']);
    const state = await deps.secrets.getRotation(ref);
    expect(state).toMatchObject({ status: 'failed', error: 'createSecret failed (RotatorError)' });
    expect(state?.pending).toBeUndefined();
    expect(await getSecret(deps, owner, ref)).toMatchObject({ version: 1, data: { password: 'first' } });
  });
});
