import { loadVisible } from './guards.ts';
import type { Caller, Page, SecretRef, VersionInfo } from './model.ts';
import type { VaultDeps } from './ports.ts';

/** The kept versions of a secret, newest first: metadata only, for anyone who may see the secret. */
export async function listVersions(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  page: { offset: number; limit: number },
): Promise<Page<VersionInfo>> {
  await loadVisible(deps, caller, ref, 'access');
  const versions = await deps.secrets.versions(ref);
  return { count: versions.length, items: versions.slice(page.offset, page.offset + page.limit) };
}
