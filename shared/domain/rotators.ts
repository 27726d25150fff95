/**
 * Rotation: how a new value is made and put in place. Built-in generators only make values;
 * a rotator Lambda (Secrets Manager's four steps) also sets and tests it in the target system.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { RotatorSpec, SecretData, SecretRef } from './model.ts';

/** Part of the vocabulary (model.ts); named here too for the rotation code's readers. */
export type { RotationConfig, RotatorSpec } from './model.ts';

/**
 * The rotator Lambdas the deployer listed: only these may ever be sent a secret's values. Locally
 * the built-in `local:<module>` rotators are trusted too.
 */
export interface TrustedRotators {
  arns: ReadonlySet<string>;
  local: boolean;
}

/** Whether a rotation may use this rotator: built-in generators always, a Lambda only if listed. */
export const isTrustedRotator = (spec: RotatorSpec, trusted: TrustedRotators): boolean =>
  spec.type !== 'lambda' || trusted.arns.has(spec.arn) || (trusted.local && spec.arn.startsWith('local:'));

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
export const ROTATION_STEPS: readonly RotationStep[] = [
  'createSecret',
  'setSecret',
  'testSecret',
  'finishSecret',
];

export interface RotationContext {
  secret: SecretRef;
  /** The rotation token: the same for every step (and every retry) of one rotation. */
  token: string;
  current: SecretData;
  pending?: SecretData | undefined;
}

/** One step of the protocol; `createSecret` returns the pending value. */
export interface Rotator {
  run(step: RotationStep, context: RotationContext): Promise<SecretData | undefined>;
}

const SETS = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  symbols: '!#$%&()*+,-./:;<=>?@[]^_{|}~',
} as const;

/** A password with at least one character of every enabled class, uniformly random otherwise. */
export function generatePassword(spec: Extract<RotatorSpec, { type: 'password' }>): string {
  const classes = (Object.keys(SETS) as Array<keyof typeof SETS>)
    .filter((name) => spec[name])
    .map((name) => [...SETS[name]].filter((char) => !spec.exclude.includes(char)))
    .filter((chars) => chars.length > 0);
  if (classes.length === 0) throw new Error('the password policy leaves no characters to use');
  const all = classes.flat();
  const chars = classes.map((set) => set[randomInt(set.length)]!);
  while (chars.length < spec.length) chars.push(all[randomInt(all.length)]!);
  // Fisher–Yates with a CSPRNG, so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** Built-in generators: they only make the new value; nothing outside the vault needs changing. */
export function generatorRotator(spec: Exclude<RotatorSpec, { type: 'lambda' }>): Rotator {
  return {
    async run(step, context) {
      if (step !== 'createSecret') return undefined;
      const value =
        spec.type === 'password' ? generatePassword(spec) : randomBytes(spec.bytes).toString(spec.encoding);
      return { ...context.current, [spec.field]: value };
    },
  };
}
