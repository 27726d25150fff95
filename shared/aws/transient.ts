/** SDK errors that a later retry may cure: named throttling/outage errors, SDK-marked retryables, network failures. */
export function isTransient(error: Error, transientNames: ReadonlySet<string>): boolean {
  if (transientNames.has(error.name)) return true;
  if ((error as { $retryable?: unknown }).$retryable !== undefined) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^E(CONN|TIMEDOUT|PIPE|AI_AGAIN|NOTFOUND)/.test(code);
}

/** KMS failures a later retry may cure (the key is fine; KMS or the network is not, for now). */
export const KMS_TRANSIENT: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
  'TimeoutError',
]);
