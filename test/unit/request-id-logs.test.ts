/**
 * Every log line names the Lambda invocation it came from (`function_request_id`), in the HTTP
 * stack and in the functions outside it, so one request's lines can be found in CloudWatch.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger, withRequestId } from '../../shared/http/logger.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import * as operations from '../../shared/operations.ts';
import { apiEvent, lambdaContext } from '../support/api-event.ts';

let lines: Array<Record<string, unknown>> = [];

beforeEach(() => {
  lines = [];
  logger.setLogLevel('INFO');
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line of ours
        }
      }
      return true;
    }) as typeof stream.write);
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the Lambda request id on every log line', () => {
  it('the HTTP stack: the access log line of a request carries its invocation id', async () => {
    const handler = vaultHandler(operations.status, () => ({ status: 'ok' }) as never);
    const context = lambdaContext();
    await handler(apiEvent('GET', '/vault/api/v1/status'), context as never);
    const access = lines.filter((line) => line.message === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ function_request_id: context.awsRequestId, operation: 'status' });
  });

  it('each invocation its own id, never the previous one', async () => {
    const handler = vaultHandler(operations.status, () => ({ status: 'ok' }) as never);
    const [first, second] = [lambdaContext(), lambdaContext()];
    await handler(apiEvent('GET', '/vault/api/v1/status'), first as never);
    await handler(apiEvent('GET', '/vault/api/v1/status'), second as never);
    expect(lines.map((line) => line.function_request_id)).toEqual([first.awsRequestId, second.awsRequestId]);
  });

  it('a function outside the HTTP stack, wrapped in withRequestId, logs with its invocation id', async () => {
    const handler = withRequestId(async (_event: unknown) => {
      logger.info('due work', { rotated: 1 });
      return 1;
    });
    const context = lambdaContext();
    await handler({}, context);
    expect(lines).toEqual([
      expect.objectContaining({ message: 'due work', function_request_id: context.awsRequestId }),
    ]);
  });
});
