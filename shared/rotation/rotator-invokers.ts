/**
 * Rotator Lambdas, invoked once per step with the Secrets Manager step names. The payload carries
 * the current and pending values (the rotator needs them to change the target system); it travels
 * over TLS to a function the vault's IAM lets it invoke, and is never logged here.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { VaultError } from '../domain/errors.ts';
import type { SecretData } from '../domain/model.ts';
import type { RotatorInvoker } from '../domain/ports.ts';
import {
  isTrustedRotator,
  type RotationContext,
  type RotationStep,
  type TrustedRotators,
} from '../domain/rotators.ts';
import { parseExactJson } from '../http/exact-json.ts';
import { SecretData as SecretDataSchema } from '../schemas.ts';

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

// Fatal: a reply that is not UTF-8 is refused, never read with U+FFFD in place of its bytes.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** What a refusal says: the problems and the properties they sit at, never a value. */
function problemsIn(error: unknown): string {
  if (error instanceof VaultError) {
    return error.details?.length ? error.details.map((detail) => detail.message).join('; ') : error.message;
  }
  return 'not JSON';
}

/**
 * The value a rotator's reply (its JSON text) hands the vault, held to the rules an API write
 * meets: exact JSON (no number a double would change, no negative zero, no lone surrogate, no
 * member name twice) and, for `createSecret`, a `Pending` value that is valid secret data (an
 * object of at most 64 KiB, nested at most 32 levels: the schema of a PUT's `data`). Other steps
 * need no answer: theirs is only checked to be exact JSON. A refusal is a RotatorError whose
 * message names the problem, never the value (no cause is kept: a JSON SyntaxError quotes the text).
 */
export function pendingFromReply(step: RotationStep, text: string | undefined): SecretData | undefined {
  if (text === undefined || text === '') return undefined;
  let reply: unknown;
  try {
    reply = parseExactJson(text, 'rotator reply');
  } catch (error) {
    throw new RotatorError(`rotator reply at ${step} refused: ${problemsIn(error)}`);
  }
  if (step !== 'createSecret' || reply === null || typeof reply !== 'object') return undefined;
  const pending = (reply as RotatorResult).Pending;
  if (pending === undefined || pending === null) return undefined;
  const checked = SecretDataSchema.safeParse(pending);
  if (!checked.success) {
    const problems = checked.error.issues
      .map((issue) => issue.message.replace(/^data /, 'Pending '))
      .join('; ');
    throw new RotatorError(`rotator reply at ${step} refused: ${problems}`);
  }
  return pending;
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
    let text: string | undefined;
    try {
      text = reply.Payload?.length ? UTF8.decode(reply.Payload) : undefined;
    } catch {
      throw new RotatorError(`rotator reply at ${step} refused: not valid UTF-8`);
    }
    return pendingFromReply(step, text);
  }
}

/**
 * Locally, `local:<name>` runs `<dir>/<name>.ts`'s exported `handler` in process, the same
 * contract as a rotator Lambda (its answer is serialized as the Lambda runtime would, then read
 * under the same rules); anything else goes to the fallback.
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
    const result = await module.handler(rotatorEvent(step, context));
    let text: string | undefined;
    try {
      text = JSON.stringify(result);
    } catch {
      throw new RotatorError(`rotator reply at ${step} refused: not JSON`);
    }
    return pendingFromReply(step, text);
  }
}

/**
 * Refuses, before any value leaves, a rotator the deployer did not list: settings stored before the
 * list was narrowed (or written past the API) never reach an unlisted function. In AWS, IAM refuses
 * too; locally nothing else would.
 */
export class TrustedRotatorInvoker implements RotatorInvoker {
  readonly #inner: RotatorInvoker;
  readonly #trusted: TrustedRotators;
  constructor(inner: RotatorInvoker, trusted: TrustedRotators) {
    this.#inner = inner;
    this.#trusted = trusted;
  }
  async invoke(arn: string, step: RotationStep, context: RotationContext) {
    if (!isTrustedRotator({ type: 'lambda', arn }, this.#trusted))
      throw new RotatorError(`rotator refused at ${step}: not one of the trusted rotators`);
    return this.#inner.invoke(arn, step, context);
  }
}
