/**
 * The vault's log lines (shared/http/logger.ts, in place of Powertools' Logger): the shape CloudWatch
 * queries and the metric filters read, the level Lambda asks for, and no error written as it is.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonLogger } from '../../shared/http/logger.ts';
import { lambdaContext } from '../support/api-event.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  for (const stream of [process.stdout, process.stderr])
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
      lines.push({
        ...(JSON.parse(String(chunk)) as object),
        stream: stream === process.stderr ? 'stderr' : 'stdout',
      });
      return true;
    }) as typeof stream.write);
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('log lines', () => {
  it("keep Powertools' shape: level, message, timestamp, service, the invocation and the X-Ray trace", () => {
    vi.stubEnv(
      '_X_AMZN_TRACE_ID',
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1',
    );
    const lines = capture();
    const logger = new JsonLogger({ serviceName: 'vault' });
    const [first, second] = [lambdaContext(), lambdaContext()];
    logger.addContext(first);
    logger.info('request', { operation: 'get-secret', status: 200 });
    logger.addContext(second);
    logger.error('request failed', { error_code: 'GENERAL_ERROR' });
    expect(lines).toEqual([
      {
        level: 'INFO',
        message: 'request',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        service: 'vault',
        cold_start: true,
        function_arn: first.invokedFunctionArn,
        function_memory_size: first.memoryLimitInMB,
        function_name: first.functionName,
        function_request_id: first.awsRequestId,
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        operation: 'get-secret',
        status: 200,
        stream: 'stdout',
      },
      expect.objectContaining({
        level: 'ERROR',
        cold_start: false,
        function_request_id: second.awsRequestId,
        error_code: 'GENERAL_ERROR',
        stream: 'stderr',
      }),
    ]);
  });

  it("writes nothing below its level, and Lambda's own log level wins over POWERTOOLS_LOG_LEVEL", () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'WARN');
    const lines = capture();
    const logger = new JsonLogger({ serviceName: 'vault' });
    logger.debug('debug');
    logger.info('info');
    logger.warn('warn');
    logger.setLogLevel('ERROR');
    logger.warn('warn again');
    logger.critical('critical');
    expect(lines.map((line) => line.message)).toEqual(['warn', 'critical']);
  });

  it('an Error among the keys is logged by its class only (a library error may quote the data)', () => {
    const lines = capture();
    new JsonLogger({ serviceName: 'vault' }).error('failed', { error: new TypeError('password=hunter2') });
    expect(lines[0]?.error).toEqual({ name: 'TypeError' });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });
});
