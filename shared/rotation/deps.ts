import { lambdaClient } from '../aws/clients.ts';
import { loadStoreConfig, type StoreConfig } from '../config.ts';
import { vaultDeps } from '../deps.ts';
import type { RotationDeps, VaultDeps } from '../domain/ports.ts';
import type { TrustedRotators } from '../domain/rotators.ts';
import { LambdaRotatorInvoker, ModuleRotatorInvoker, TrustedRotatorInvoker } from './rotator-invokers.ts';
import { trustedRotators } from './trusted-rotators.ts';

/**
 * Rotation also invokes rotators: Lambdas, or local modules when LOCAL_ROTATORS_DIR is set; only
 * the trusted ones (ROTATOR_ARNS, and local modules locally).
 */
export function createRotationDeps(
  base: VaultDeps,
  config: StoreConfig,
  trusted: TrustedRotators = trustedRotators(),
): RotationDeps {
  const lambda = new LambdaRotatorInvoker(lambdaClient());
  const invoker = config.localRotatorsDir
    ? new ModuleRotatorInvoker(config.localRotatorsDir, lambda)
    : lambda;
  return {
    ...base,
    rotators: new TrustedRotatorInvoker(invoker, trusted),
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
