import { readFileSync } from 'node:fs';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError, RotationFailedError } from '../../shared/domain/errors.ts';
import { describeError } from '../../shared/http/logger.ts';

const SECRET = 'p4ss-word-in-a-message';

function systemError(): Error {
  try {
    readFileSync('/nonexistent/vault-test-file');
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a system error');
}

describe('error descriptions for the log', () => {
  it("keep the vault's own messages, and name any other error by its class only", () => {
    const error = new RotationFailedError('Rotation failed: setSecret failed (Error)', {
      cause: new Error(`password=${SECRET}`, { cause: new SyntaxError(`Unexpected token in "${SECRET}"`) }),
    });
    expect(describeError(error)).toEqual({
      name: 'RotationFailedError',
      message: 'Rotation failed: setSecret failed (Error)',
      cause: { name: 'Error', cause: { name: 'SyntaxError' } },
    });
  });

  it('keep AWS service errors and Node system errors whole: their messages are not about our data', () => {
    const throttled = new ProvisionedThroughputExceededException({
      message: 'Rate of requests exceeds the allowed throughput',
      $metadata: { httpStatusCode: 400 },
    });
    const described = describeError(new DependencyUnavailableError('DATABASE_ERROR', { cause: throttled }));
    expect(described.cause).toEqual({
      name: 'ProvisionedThroughputExceededException',
      message: 'Rate of requests exceeds the allowed throughput',
    });
    expect(describeError(systemError())).toMatchObject({
      code: 'ENOENT',
      message: expect.stringContaining('ENOENT'),
    });
  });

  it('an error dressed as a system error or carrying a message-like name stays anonymous', () => {
    const fake = Object.assign(new Error(SECRET), { code: 'ECONNREFUSED' });
    const named = Object.assign(new Error('x'), { name: `password is ${SECRET}` });
    expect(JSON.stringify([describeError(fake), describeError(named)])).not.toContain(SECRET);
    expect(describeError(named)).toEqual({ name: 'Error' });
  });

  it('thrown non-errors are described by their type only; cause chains are bounded', () => {
    expect(describeError(SECRET)).toEqual({ name: 'thrown string' });
    expect(describeError({ password: SECRET })).toEqual({ name: 'thrown object' });
    const looped = new Error('loop');
    (looped as { cause?: unknown }).cause = looped;
    expect(JSON.stringify(describeError(looped)).match(/"name"/g)).toHaveLength(5);
  });
});
