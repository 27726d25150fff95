import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { QUICK_JVM } from './test/support/processes.ts';

/**
 * Files at once. Vitest's default (cores - 1) is one file at a time on two cores, but most files
 * spend their time waiting on DynamoDB Local, the e2e server, child processes and the clock:
 * two or more overlap those waits. Three at once on two cores was faster (npm test 357 s against
 * 409 s) but left the e2e vault's DynamoDB Local, whose streamed table slows as the tier writes,
 * stalled past the SDK's 3 s bound: 10 of 12 parallel updates got 503 in one clean-clone run of
 * ten. VAULT_TEST_WORKERS (or --maxWorkers) overrides.
 */
const workers = Number(process.env.VAULT_TEST_WORKERS) || Math.max(2, availableParallelism());

/**
 * Every DynamoDB Local a test run starts (the shared one, the e2e vault's, those tests start
 * themselves) JIT-compiles with C1 only and collects with the serial GC: on two cores C2's
 * compiler threads and the parallel GC cost more than they give a JVM that lives a few minutes.
 * Measured on listing-index + lifecycle-store: 35-40 CPU-s with the defaults, 21 with these.
 */
process.env.JAVA_TOOL_OPTIONS ??= QUICK_JVM;

/** Test tiers, each runnable alone: `npx vitest run --project unit` (or infra, integration, adversarial, e2e). */
export default defineConfig({
  test: {
    maxWorkers: workers,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // One module graph per worker for all its files: each file in a fresh one re-imported the
          // SDK, zod and the handlers (unit: 59 CPU-s to 43, 48 s to 32 alone). Safe here: these files
          // stub nothing they do not restore; the tiers below read configuration at import and stay isolated.
          isolate: false,
          // Files now run side by side: the CPU-heavy ones (compiler API, npm pack, bundling) take
          // longer than alone, so vitest's 5 s default would fail them on time, not on behaviour.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // aws-cdk-lib and cdk-nag imported once per worker, not per file (121 CPU-s to 94).
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/local-parts.setup.ts'],
          // As the adversarial tier's: the DynamoDB-heavy files (listing-index, store-and-crypto's
          // parallel writers) ran into 30 s on a busy machine even one file at a time.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'adversarial',
          include: ['test/adversarial/**/*.test.ts'],
          globalSetup: ['test/support/local-parts.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/local-vault.setup.ts'],
          // As the other tiers that spawn processes: a CLI test runs a dozen of them, each seconds
          // long when the 2 cores are busy (a bound on waiting, not an assertion).
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
