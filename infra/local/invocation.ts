/**
 * Which operation's handler is running, for everything it calls (AsyncLocalStorage follows its
 * awaits). In AWS each function's calls are checked by its own role; in the local server all run
 * in one process, so this is how a test tells whose call a DynamoDB or KMS request was and holds
 * it to that operation's declared permissions (test/adversarial/iam-conformance.test.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export const invocation = new AsyncLocalStorage<{ operation: string }>();
