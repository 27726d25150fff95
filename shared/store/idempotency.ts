/**
 * Idempotent create with Powertools' idempotency utility, its records in the vault's table under
 * keys starting `IDEM#` (IAM confines the create functions to them). A retry with the same key
 * and caller returns the first result; the same key with a different request is refused.
 */

import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RuleViolationError, VersionConflictError } from '../domain/errors.ts';
import type { OnceRunner } from '../domain/ports.ts';
import { TABLE_KEYS, TTL_ATTRIBUTE } from './table.ts';

export const IDEMPOTENCY_KEY_PREFIX = 'IDEM#';

export class PowertoolsOnceRunner implements OnceRunner {
  readonly #store: DynamoDBPersistenceLayer;
  readonly #config: IdempotencyConfig;

  constructor(client: DynamoDBClient, options: { tableName: string; expiresAfterSeconds: number }) {
    this.#store = new DynamoDBPersistenceLayer({
      tableName: options.tableName,
      awsSdkV3Client: client,
      keyAttr: TABLE_KEYS.partitionKey,
      sortKeyAttr: TABLE_KEYS.sortKey,
      staticPkValue: `${IDEMPOTENCY_KEY_PREFIX}create`,
      expiryAttr: TTL_ATTRIBUTE,
    });
    this.#config = new IdempotencyConfig({
      eventKeyJmesPath: 'key',
      payloadValidationJmesPath: 'fingerprint',
      expiresAfterSeconds: options.expiresAfterSeconds,
      hashFunction: 'sha256',
      throwOnNoIdempotencyKey: true,
    });
  }

  async run<T extends object>(key: string, fingerprint: unknown, work: () => Promise<T>): Promise<T> {
    const once = makeIdempotent(async (_request: { key: string; fingerprint: unknown }) => work(), {
      persistenceStore: this.#store,
      config: this.#config,
      keyPrefix: 'create',
    });
    try {
      return await once({ key, fingerprint });
    } catch (error) {
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
      throw error;
    }
  }
}
