import { accessOf } from './access.ts';
import { recordAudit } from './auditing.ts';
import { SecretExpiredError, SecretNotFoundError } from './errors.ts';
import { assertMayActFor, decodeData, loadVisible, notFound, rotationOf } from './guards.ts';
import type {
  Caller,
  RetiredSecret,
  SealedData,
  SecretData,
  SecretRef,
  SecretVersion,
  SecretView,
  StoredSecret,
} from './model.ts';
import type { VaultDeps } from './ports.ts';

/** Which value: a kept version by number, or a rotation stage (`previous`, `pending`) during cut-over. */
export interface ValueSelector {
  version?: number | undefined;
  stage?: 'current' | 'previous' | 'pending' | undefined;
}

/**
 * The secret (or one of its kept versions or stages) with its data when the caller may read it,
 * without data when it may only see it. An expired secret's data is refused, not silently served.
 */
export async function getSecret(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  selector: ValueSelector = {},
): Promise<SecretView> {
  if (selector.version !== undefined) {
    const retired = await deps.secrets.retiredVersion(ref, selector.version);
    if (retired !== undefined) return readRetired(deps, caller, ref, retired);
  }
  const secret = await loadVisible(deps, caller, ref, 'read');
  const wanted = await select(deps, secret, ref, selector);
  if (wanted === undefined) throw new SecretNotFoundError();
  const view: SecretView = { ...withoutData(secret), version: wanted.version };
  if (!accessOf(caller, secret).read) return view;
  if (secret.expires !== undefined && Date.parse(secret.expires) <= deps.clock.now().getTime()) {
    throw new SecretExpiredError(secret.expires);
  }
  return { ...view, data: await openRead(deps, caller, ref, wanted) };
}

/**
 * A version of a deleted secret whose name was taken again: its data for its own readers (judged
 * by its roles as they were when it was deleted), for nobody else; anyone else gets the 404 a
 * missing version gets. Never metadata without data: managers see deleted secrets nowhere else.
 */
async function readRetired(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  { secret, version }: { secret: RetiredSecret; version: SecretVersion },
): Promise<SecretView> {
  await assertMayActFor(deps, caller, ref, 'read');
  if (!accessOf(caller, secret).read) throw await notFound(deps, caller, 'read', ref);
  if (secret.expires !== undefined && Date.parse(secret.expires) <= deps.clock.now().getTime()) {
    throw new SecretExpiredError(secret.expires);
  }
  const { deletion: _deletion, ...metadata } = secret;
  return { ...metadata, version: version.version, data: await openRead(deps, caller, ref, version) };
}

async function openRead(
  deps: VaultDeps,
  caller: Caller,
  ref: SecretRef,
  wanted: SealedData & { version: number },
): Promise<SecretData> {
  const plaintext = await deps.cipher.open(wanted.sealed, { ...ref, version: wanted.sealedVersion });
  // Recorded before the data leaves: if the trail cannot be written, the data is not served.
  await recordAudit(deps, caller, {
    action: 'read',
    outcome: 'success',
    secret: ref,
    version: wanted.version,
  });
  return decodeData(plaintext);
}

async function select(
  deps: VaultDeps,
  secret: StoredSecret,
  ref: SecretRef,
  selector: ValueSelector,
): Promise<(SealedData & { version: number }) | undefined> {
  if (selector.stage === 'pending') {
    const rotation = await rotationOf(deps, secret);
    if (rotation?.status !== 'running' || !rotation.pending) return undefined;
    return { ...rotation.pending, version: rotation.pending.sealedVersion };
  }
  const version = selector.stage === 'previous' ? secret.previousVersion : selector.version;
  if (selector.stage === 'previous' && version === undefined) return undefined;
  if (version === undefined || version === secret.version) return secret;
  return deps.secrets.getVersion(ref, version);
}

export function withoutData(secret: StoredSecret): SecretView {
  const {
    sealed: _sealed,
    sealedVersion: _sealedVersion,
    deletion: _deletion,
    previousVersion: _previous,
    expiryNotice: _notice,
    lastTraceId: _trace,
    revision: _revision,
    firstVersion: _first,
    createRequest: _request,
    createCheck: _check,
    ...metadata
  } = secret;
  return metadata;
}
