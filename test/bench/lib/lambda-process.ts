/**
 * Runs bundled handlers in a process of their own started as Lambda starts a function of a given
 * memory size (lib/lambda-worker.ts does the invoking), and bundles handlers as the CDK app does.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FUNCTION_ENVIRONMENT } from '../../../infra/constructs/bundling.ts';
import type { WorkerJob, WorkerResult } from './lambda-worker.ts';

/**
 * Node's heap limits for a memory size, as copies of the Lambda Node.js bootstrap compute them
 * (new space a tenth of the memory, half of it per semi-space, the rest old space) with the GC
 * exposed. An assumption: the managed runtime's script is not published.
 */
export function lambdaNodeFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

/**
 * The job's result. `env` is added to this process's environment (the local runtime's endpoints
 * and issuer), as the function's own environment variables; NODE_OPTIONS is the deployed one.
 */
export function runInLambdaProcess(
  job: WorkerJob,
  env: Record<string, string> = {},
): Promise<WorkerResult & { logBytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...lambdaNodeFlags(job.memoryMb), join(import.meta.dirname, 'lambda-worker.ts')],
      {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          // As deployed: no level set, so INFO (one access line per request).
          POWERTOOLS_LOG_LEVEL: 'INFO',
          ...FUNCTION_ENVIRONMENT,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(job.memoryMb),
          ...env,
        },
        // The functions' log lines are counted (CloudWatch bills their bytes), not shown.
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    let stderr = '';
    let logBytes = 0;
    let result: WorkerResult | undefined;
    child.stdout!.on('data', (chunk: Buffer) => {
      logBytes += chunk.length;
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      logBytes += chunk.length;
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('message', (message: { kind: 'done'; result: WorkerResult }) => {
      result = message.result;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result
        ? resolve({ ...result, logBytes })
        : reject(new Error(`lambda worker exited ${code}: ${stderr}`)),
    );
    child.send(job);
  });
}
