import { DependencyUnavailableError, VaultError } from './errors.ts';
import { getSecret } from './get-secret.ts';
import type { Caller, SecretRef, SecretView } from './model.ts';
import type { VaultDeps } from './ports.ts';

export const MAX_BATCH = 20;

export interface BatchFailure {
  ref: SecretRef;
  error: VaultError;
}

/**
 * Secrets Manager's BatchGetSecretValue: every secret read by the same rules (and audited) as a
 * single GET, in parallel; what the caller may not read becomes a per-name error, exactly the
 * error a single GET would give. A dependency outage fails the whole batch: it would fail them all.
 */
export async function batchGetSecrets(
  deps: VaultDeps,
  caller: Caller,
  refs: readonly SecretRef[],
): Promise<{ items: SecretView[]; errors: BatchFailure[] }> {
  type Outcome = { ref: SecretRef; secret: SecretView } | { ref: SecretRef; error: VaultError };
  const outcomes = await Promise.all(
    refs.map(async (ref): Promise<Outcome> => {
      try {
        return { ref, secret: await getSecret(deps, caller, ref) };
      } catch (error) {
        if (!(error instanceof VaultError) || error instanceof DependencyUnavailableError) throw error;
        return { ref, error };
      }
    }),
  );
  return {
    items: outcomes.flatMap((outcome) => ('secret' in outcome ? [outcome.secret] : [])),
    errors: outcomes.flatMap((outcome) =>
      'error' in outcome ? [{ ref: outcome.ref, error: outcome.error }] : [],
    ),
  };
}
