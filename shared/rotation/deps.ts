import { LambdaClient } from '@aws-sdk/client-lambda';
import { loadStoreConfig, type StoreConfig } from '../config.ts';
import { vaultDeps } from '../deps.ts';
import type { RotationDeps, VaultDeps } from '../domain/ports.ts';
import { LambdaRotatorInvoker, ModuleRotatorInvoker } from './rotator-invokers.ts';

/** Rotation also invokes rotators: Lambdas, or local modules when LOCAL_ROTATORS_DIR is set. */
export function createRotationDeps(base: VaultDeps, config: StoreConfig): RotationDeps {
  const lambda = new LambdaRotatorInvoker(new LambdaClient({}));
  return {
    ...base,
    rotators: config.localRotatorsDir ? new ModuleRotatorInvoker(config.localRotatorsDir, lambda) : lambda,
    settings: {
      stepAttempts: config.rotationStepAttempts,
      retryAfterFailureSeconds: config.rotationRetrySeconds,
    },
  };
}

let rotation: RotationDeps | undefined;

/** Only the rotating functions build these: the others never bundle the Lambda client. */
export function rotationDeps(): RotationDeps {
  rotation ??= createRotationDeps(vaultDeps(), loadStoreConfig());
  return rotation;
}
