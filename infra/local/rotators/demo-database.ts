/**
 * A local stand-in for a rotator Lambda that rotates a database user's password (Secrets
 * Manager's four steps). The "database" is a map in this process: set writes the pending password
 * there, test checks it, finish has nothing left to do. Configure it with
 *   {"rotator": {"type": "lambda", "arn": "local:demo-database"}, "schedule": "rate(1 minute)"}
 * A secret whose data holds `"fail_at": "step:<step>"` fails at that step: for trying out failures.
 */
import { randomBytes } from 'node:crypto';
import type { RotatorEvent, RotatorResult } from '../../../shared/rotation/rotator-invokers.ts';

const database = new Map<string, string>();

export async function handler(event: RotatorEvent): Promise<RotatorResult | undefined> {
  if (event.Current.fail_at === `step:${event.Step}`) throw new Error(`demo-database refused ${event.Step}`);
  const user = `${event.OwnerId ?? 'shared'}/${event.SecretId}`;
  switch (event.Step) {
    case 'createSecret':
      return { Pending: { ...event.Current, password: randomBytes(18).toString('base64url') } };
    case 'setSecret':
      database.set(user, String(event.Pending?.password));
      return undefined;
    case 'testSecret':
      if (database.get(user) !== event.Pending?.password) throw new Error('the new password does not log in');
      return undefined;
    case 'finishSecret':
      return undefined;
  }
}
