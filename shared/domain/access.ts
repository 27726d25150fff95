import type { Caller, SecretMetadata } from './model.ts';

/** What one caller may do with one secret. */
export interface Access {
  /** May know the secret exists and read its metadata. */
  see: boolean;
  /** May read its data. */
  read: boolean;
  write: boolean;
  delete: boolean;
}

const NONE: Access = { see: false, read: false, write: false, delete: false };

export const isManager = (caller: Caller): boolean => caller.scopes.has('vaultManage');

/**
 * Admin or vaultManage: may delete any secret, purge without a recovery window, and manage other
 * users' personal secrets. They manage; they never read.
 */
export const managesVault = (caller: Caller): boolean =>
  caller.scopes.has('vaultManage') || caller.scopes.has('admin');

const holdsAny = (caller: Caller, roles: readonly string[]): boolean =>
  roles.some((role) => caller.roles.has(role));

/**
 * The access rules of API.md in one place. Managing a vault is not reading it: vaultManage and
 * admin see and change secrets, but only a read role (or, for a personal secret, ownership)
 * grants the data.
 */
export function accessOf(caller: Caller, secret: SecretMetadata): Access {
  if (secret.ownerId !== undefined) {
    const owner = caller.userId === secret.ownerId;
    const manager = managesVault(caller);
    if (!owner && !manager) return NONE;
    return { see: true, read: owner, write: true, delete: true };
  }
  // Role-based access needs the `user` scope: a vaultAdd-only client holding a role still reads nothing.
  const user = caller.scopes.has('user');
  const reader = user && holdsAny(caller, secret.readRoles);
  const writer = user && holdsAny(caller, secret.writeRoles);
  const manager = isManager(caller);
  return {
    see: reader || writer || manager,
    read: reader,
    write: writer || manager,
    delete: managesVault(caller),
  };
}

/**
 * Whether the caller's identity (its roles, or ownership) reads the secret, whatever scopes this
 * token carries: the same identity may hold another token with the `user` scope. Rules against
 * widening one's own access judge by this, not by the token at hand.
 */
export function identityReads(caller: Caller, secret: SecretMetadata): boolean {
  if (secret.ownerId !== undefined) return caller.userId === secret.ownerId;
  return holdsAny(caller, secret.readRoles);
}

/** Personal secrets of `ownerId` are the caller's business if they are its own or it manages the vault. */
export const mayActForOwner = (caller: Caller, ownerId: string): boolean =>
  caller.userId === ownerId || managesVault(caller);
