import { createSecret } from '../../shared/domain/create-secret.ts';
import { assertBodyMatches, patchOf } from '../../shared/http/inputs.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { createdReply } from '../../shared/http/wire.ts';
import { idempotentDeps } from '../../shared/idempotent-deps.ts';
import * as operations from '../../shared/operations.ts';

const depsFor = idempotentDeps();

export const handler = vaultHandler(
  operations.createSecret,
  async ({ caller, headers, body }, _event, context) => {
    const ref = { name: body.name };
    assertBodyMatches(ref, body);
    const { readRoles = [], writeRoles = [], ...fields } = patchOf(body);
    const input = {
      ref,
      ...fields,
      data: body.data ?? {},
      readRoles,
      writeRoles,
      onlyIfAbsent: headers['if-none-match'] === '*',
      idempotencyKey: headers['idempotency-key'],
    };
    return createdReply(await createSecret(depsFor(context), caller, input));
  },
);
