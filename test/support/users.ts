/**
 * The people tests act as, in one place: who each is (the token's subject, which audit entries and
 * events name), what the API lets them do (scopes) and which secrets' role lists name them (roles).
 * End-to-end tests mint with `token(USERS.reader)` (test/support/http.ts), in-process ones with
 * `vault.issuer.mint(USERS.reader)`, domain tests take `asCaller(USERS.reader)`. A test that needs
 * someone else (a scope missing on purpose, a role of its own) says so where it mints them.
 */
import type { TokenRequest } from '../../infra/local/dev-issuer.ts';
import type { Caller } from '../../shared/domain/model.ts';
import { caller } from './callers.ts';

export type TestUser = TokenRequest & { roles: readonly string[] };

const user = (sub: string, scopes: readonly string[], roles: readonly string[] = []): TestUser => ({
  sub,
  scopes,
  roles,
});

export const USERS = {
  /** Creates secrets and may do nothing else (a CI job). */
  adder: user('ci-bot', ['vaultAdd']),
  /** Reads what lists role `readers`. */
  reader: user('rita', ['user'], ['readers']),
  /** Writes what lists role `writers`. */
  writer: user('walt', ['user'], ['writers']),
  /** A user of the API whose role no secret of the test lists. */
  outsider: user('sam', ['user'], ['others']),
  /** Manages every secret (vaultManage), reads none through roles. */
  manager: user('mona', ['vaultManage']),
  admin: user('ada', ['admin']),
  /** Reads audit trails (admin), nothing else. */
  auditor: user('audrey', ['admin']),
  /** Every scope, role `app`: sets secrets up and configures rotation. */
  ops: user('ops', ['user', 'vaultAdd', 'vaultManage', 'admin'], ['app']),
  /** The application reading its secrets: role `app`. */
  app: user('app', ['user'], ['app']),
  /** Creates secrets and is in role `owners`. */
  owner: user('olga', ['user', 'vaultAdd'], ['owners']),
  /** Users with no role: what they may read is their own personal secrets. */
  alice: user('alice', ['user']),
  bob: user('bob', ['user']),
} as const;

/** The domain's view of a test user (no token): for tests that call domain functions directly. */
export const asCaller = (who: TokenRequest): Caller =>
  caller(who.sub, [...who.scopes], [...(who.roles ?? [])]);
