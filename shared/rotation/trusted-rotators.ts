/**
 * The rotators the deployer trusts with secret values, read from the environment once: ROTATOR_ARNS
 * (comma-separated Lambda ARNs; the CDK app sets it from the construct's `rotatorArns`, the same
 * list IAM lets the vault invoke) and, in the local runtime (LOCAL_ROTATORS_DIR set), the
 * built-in `local:<module>` rotators. Unset, no rotator Lambda is trusted.
 */
import type { TrustedRotators } from '../domain/rotators.ts';

export function trustedRotatorsFrom(env: Record<string, string | undefined>): TrustedRotators {
  const arns = (env.ROTATOR_ARNS ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);
  return { arns: new Set(arns), local: (env.LOCAL_ROTATORS_DIR?.trim() ?? '') !== '' };
}

let loaded: TrustedRotators | undefined;

/** This process's trusted rotators, read on first use (the environment is set before any handler runs). */
export function trustedRotators(): TrustedRotators {
  loaded ??= trustedRotatorsFrom(process.env);
  return loaded;
}
