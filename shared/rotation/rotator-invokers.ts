/**
 * Rotator Lambdas, invoked once per step with the Secrets Manager step names. The payload carries
 * the current and pending values (the rotator needs them to change the target system); it travels
 * over TLS to a function the vault's IAM lets it invoke, and is never logged here.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { RotatorInvoker } from '../domain/ports.ts';
import type { RotationContext, RotationStep } from '../domain/rotators.ts';

export interface RotatorEvent {
  Step: RotationStep;
  SecretId: string;
  OwnerId?: string;
  ClientRequestToken: string;
  Current: Record<string, unknown>;
  Pending?: Record<string, unknown>;
}

/** A rotator answers `createSecret` with `{ "Pending": {…} }`; other steps need no answer. */
export interface RotatorResult {
  Pending?: Record<string, unknown>;
}

export const rotatorEvent = (step: RotationStep, context: RotationContext): RotatorEvent => ({
  Step: step,
  SecretId: context.secret.name,
  ...(context.secret.ownerId !== undefined && { OwnerId: context.secret.ownerId }),
  ClientRequestToken: context.token,
  Current: context.current,
  ...(context.pending && { Pending: context.pending }),
});

export class RotatorError extends Error {
  override name = 'RotatorError';
}

export class LambdaRotatorInvoker implements RotatorInvoker {
  readonly #lambda: LambdaClient;
  constructor(lambda: LambdaClient) {
    this.#lambda = lambda;
  }
  async invoke(arn: string, step: RotationStep, context: RotationContext) {
    if (arn.startsWith('local:')) throw new RotatorError('local rotators run only in the local runtime');
    const reply = await this.#lambda.send(
      new InvokeCommand({
        FunctionName: arn,
        Payload: new TextEncoder().encode(JSON.stringify(rotatorEvent(step, context))),
      }),
    );
    if (reply.FunctionError) throw new RotatorError(`rotator failed at ${step}`);
    const result = reply.Payload?.length
      ? (JSON.parse(new TextDecoder().decode(reply.Payload)) as RotatorResult | null)
      : null;
    return result?.Pending;
  }
}

/**
 * Locally, `local:<name>` runs `<dir>/<name>.ts`'s exported `handler` in process, the same
 * contract as a rotator Lambda; anything else goes to the fallback.
 */
export class ModuleRotatorInvoker implements RotatorInvoker {
  readonly #dir: string;
  readonly #fallback: RotatorInvoker;
  constructor(dir: string, fallback: RotatorInvoker) {
    this.#dir = dir;
    this.#fallback = fallback;
  }
  async invoke(arn: string, step: RotationStep, context: RotationContext) {
    const local = /^local:([a-z0-9-]+)$/.exec(arn);
    if (!local) return this.#fallback.invoke(arn, step, context);
    const module = (await import(pathToFileURL(join(this.#dir, `${local[1]}.ts`)).href)) as {
      handler: (event: RotatorEvent) => Promise<RotatorResult | undefined>;
    };
    return (await module.handler(rotatorEvent(step, context)))?.Pending;
  }
}
