/**
 * Idempotent create with Powertools' idempotency utility, its records in the vault's table under
 * keys starting `IDEM#` (IAM confines the create functions to them). A retry with the same key
 * and caller returns the first result; the same key with a different request is refused.
 */

import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { DependencyUnavailableError, RuleViolationError, VersionConflictError } from '../domain/errors.ts';
import type { OnceRunner } from '../domain/ports.ts';
import { translate } from './dynamo-support.ts';
import { TABLE_KEYS, TTL_ATTRIBUTE } from './table.ts';

export const IDEMPOTENCY_KEY_PREFIX = 'IDEM#';

/** What Powertools needs of the Lambda context: when the invocation will be cut off. */
export type Invocation = Pick<Context, 'getRemainingTimeInMillis'>;

export class PowertoolsOnceRunner implements OnceRunner {
  readonly #store: DynamoDBPersistenceLayer;
  readonly #expiresAfterSeconds: number;
  readonly #config: IdempotencyConfig;
  /** How long a key lives: its record, and the marker a create leaves on its secret. */
  readonly keyLifetimeSeconds: number;

  constructor(client: DynamoDBClient, options: { tableName: string; expiresAfterSeconds: number }) {
    this.#store = new DynamoDBPersistenceLayer({
      tableName: options.tableName,
      awsSdkV3Client: client,
      keyAttr: TABLE_KEYS.partitionKey,
      sortKeyAttr: TABLE_KEYS.sortKey,
      staticPkValue: `${IDEMPOTENCY_KEY_PREFIX}create`,
      expiryAttr: TTL_ATTRIBUTE,
    });
    this.#expiresAfterSeconds = options.expiresAfterSeconds;
    this.keyLifetimeSeconds = options.expiresAfterSeconds;
    this.#config = this.#configFor(undefined);
  }

  /**
   * The runner for one invocation: its key's "in progress" mark expires when the invocation would
   * be cut off, so a timed-out try holds the key no longer than it could still run (without it,
   * the mark lasts as long as the key). A config per invocation, as the local server runs
   * invocations side by side in one process.
   */
  forInvocation(context: Invocation): OnceRunner {
    const config = this.#configFor(context);
    return {
      run: (key, fingerprint, work) => this.#run(config, key, fingerprint, work),
      keyLifetimeSeconds: this.keyLifetimeSeconds,
    };
  }

  run<T extends object>(key: string, fingerprint: unknown, work: () => Promise<T>): Promise<T> {
    return this.#run(this.#config, key, fingerprint, work);
  }

  #configFor(context: Invocation | undefined): IdempotencyConfig {
    return new IdempotencyConfig({
      eventKeyJmesPath: 'key',
      payloadValidationJmesPath: 'fingerprint',
      expiresAfterSeconds: this.#expiresAfterSeconds,
      hashFunction: 'sha256',
      throwOnNoIdempotencyKey: true,
      ...(context && { lambdaContext: context as Context }),
    });
  }

  async #run<T extends object>(
    config: IdempotencyConfig,
    key: string,
    fingerprint: unknown,
    work: () => Promise<T>,
  ): Promise<T> {
    // What the work itself did, whatever Powertools then failed to record about it.
    let outcome: { result: T } | { error: unknown } | undefined;
    const once = makeIdempotent(
      async (_request: { key: string; fingerprint: unknown }) => {
        try {
          outcome = { result: await work() };
          return outcome.result;
        } catch (error) {
          outcome = { error };
          throw error;
        }
      },
      { persistenceStore: this.#store, config, keyPrefix: 'create' },
    );
    try {
      return await once({ key, fingerprint });
    } catch (error) {
      // The work's own answer stands when only its record could not be saved or released: a
      // committed create is a 201, not a 5xx; the key stays "in progress" until the invocation's
      // time is up, and its retries meanwhile find the secret by its marker.
      if (outcome && 'result' in outcome) return outcome.result;
      if (outcome) throw outcome.error;
      if (error instanceof IdempotencyValidationError) {
        throw new RuleViolationError('This Idempotency-Key was already used with a different request', {
          property: 'Idempotency-Key',
        });
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new VersionConflictError(
          'A request with this Idempotency-Key is still in progress; retry shortly',
        );
      }
      throw unavailable(error) ?? error;
    }
  }
}

/**
 * Powertools wraps the SDK's failures on the key's record (or, reading it, passes them raw):
 * DynamoDB throttled or down is the vault's retryable 503, as for any other DynamoDB call.
 */
function unavailable(error: unknown): DependencyUnavailableError | undefined {
  const cause = error instanceof IdempotencyPersistenceLayerError ? error.cause : error;
  const translated = translate(cause);
  return translated instanceof DependencyUnavailableError ? translated : undefined;
}
