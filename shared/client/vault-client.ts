/**
 * (Longer than most files on purpose: one class, one short method per API call, that a user reads
 * as the client's reference.)
 *
 * A typed client for the vault API: requests and responses typed from the API's own schemas,
 * errors typed by `error_code`, retries with jittered backoff on 429/503 (honouring Retry-After),
 * per-attempt timeouts, async iterators over list and search, and an optional read cache that
 * checks the secret's version (a metadata call: no KMS, no audit entry) before reusing a value, and
 * never serves a value once the secret's `expires` time has passed.
 */
import { randomUUID } from 'node:crypto';
import { defaultCredentials, type IamOptions, signingRegion, signV4, TokenRenewer } from './iam-auth.ts';
import type {
  AuditPage,
  AuditQuery,
  CreateSecretBody,
  ErrorBody,
  ErrorCode,
  PagingQuery,
  Rotation,
  RotationBody,
  SearchBody,
  Secret,
  SecretList,
  ServiceStatus,
  UpdateSecretBody,
  Versions,
  Written,
} from './types.ts';

// Requests and responses are typed from the schemas the vault itself uses (generated into types.ts).
export type {
  AuditPage,
  ErrorBody,
  ErrorCode,
  Rotation,
  Secret,
  SecretList,
  ServiceStatus,
  Versions,
  Written,
};
/** A new secret: the name travels as the first argument. */
export type NewSecret = Omit<CreateSecretBody, 'name' | 'owner_id'>;
/** A change: absent or null fields keep their stored value; `[]` clears roles, `""` the expiry. */
export type SecretPatch = Omit<UpdateSecretBody, 'name' | 'owner_id'>;
/**
 * A JSON merge patch (RFC 7396) of a secret: the same members, read otherwise. Only those named
 * change; `data` merges field by field (a `null` field is removed, an object merges into the one
 * stored); any other member replaces its value, and `null` clears it.
 */
export type MergePatch = SecretPatch;
export type Search = NonNullable<SearchBody>;
export type RotationSettings = RotationBody;
export type Paging = Partial<PagingQuery>;
export type AuditFilter = Partial<AuditQuery>;
export type { AwsCredentialProvider, AwsCredentials, IamOptions } from './iam-auth.ts';
/** What `POST /auth/iam` answers: a vault token for the signing AWS principal. */
export interface IamLogin {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** The vault's error codes, plus the two a client meets before any answer arrives. */
export type ClientErrorCode = ErrorCode | 'NETWORK_ERROR' | 'TIMEOUT';

/** A failed call, typed by the vault's error code; `status` is the HTTP status (0: no answer). */
export class VaultApiError extends Error {
  override name = 'VaultApiError';
  readonly status: number;
  readonly code: ClientErrorCode;
  readonly property: string | undefined;
  readonly details: ErrorBody[];
  readonly traceId: string | undefined;
  constructor(
    status: number,
    body: Partial<Omit<ErrorBody, 'error_code'>> & { error_code?: ClientErrorCode },
    fallback = 'Request failed',
    options: { cause?: unknown } = {},
  ) {
    super(body.error_message ?? fallback, options);
    this.status = status;
    this.code = body.error_code ?? 'GENERAL_ERROR';
    this.property = body.property;
    this.details = body.details ?? [];
    this.traceId = body.trace_id;
  }
  get notFound() {
    return this.status === 404;
  }
  /** When the vault asked for a pause before the next try (429, 503), in milliseconds. */
  retryAfterMs: number | undefined;
  get retryable() {
    return (
      this.status === 429 || this.status === 503 || this.code === 'NETWORK_ERROR' || this.code === 'TIMEOUT'
    );
  }
}

export interface ClientOptions {
  /** The API base, e.g. https://…/v1/vault/api/v1 or http://127.0.0.1:8080/vault/api/v1 */
  baseUrl: string;
  /** A bearer token, or a function giving the current one; not with `auth: 'iam'`. */
  token?: string | (() => string | Promise<string>);
  /**
   * `'iam'`: log in with AWS credentials (a SigV4-signed `POST /auth/iam`, default credential
   * chain unless `iam.credentials`), and log in again before the vault's token expires.
   */
  auth?: 'token' | 'iam';
  iam?: IamOptions;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  /** Retries after the first attempt for 429, 503 and network failures (default 3). */
  retries?: number;
  /**
   * Cache decrypted secrets in memory: a cached value is reused for up to `maxStaleMs` before its
   * version is checked again, and never once the secret's `expires` time has passed (the read then
   * goes to the vault, which answers 410 OBJECT_EXPIRED); at most `maxEntries` (default 1000) are
   * kept, least recently used out.
   */
  cache?: {
    maxStaleMs: number;
    maxEntries?: number;
    /**
     * When the vault cannot answer a version check (unreachable, timed out, 429, 5xx), a value it
     * confirmed less than `maxStaleMs + staleIfErrorMs` ago is served anyway (RFC 5861's
     * stale-if-error), and `getSecret`'s `onStale` is told. Default 0: the error is thrown.
     */
    staleIfErrorMs?: number;
  };
  /** The longest Retry-After the client waits out (default 60 s); a longer one fails the call at once. */
  maxRetryAfterMs?: number;
  fetch?: typeof fetch;
}

interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string | undefined>;
  /** POST is retried only when repeating it is harmless (idempotency key, nothing written). */
  retrySafe?: boolean;
  /** Headers that authenticate the request instead of the bearer token (SigV4 for IAM login). */
  sign?: (request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string;
  }) => Record<string, string> | Promise<Record<string, string>>;
}

/** A body that is not JSON (a proxy's HTML page, say) is an error without a vault body, not a crash. */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

/** Retry-After in seconds or as an HTTP date (RFC 9110), in milliseconds; 0 when absent or unreadable. */
export function retryAfterOf(header: string | null, now = Date.now()): number {
  if (!header) return 0;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.max(ms, 0) : 0;
}

interface CacheEntry {
  secret: Secret;
  /** When the vault last confirmed this value current (local clock, ms). */
  checkedAt: number;
}

const roleIds = (roles: Secret['read_roles']) =>
  roles
    .map((role) => role.id)
    .sort()
    .join('\u0000');
/** Same version, readers, writers, owner and expiry: a cached value of it may be served. */
const sameAccess = (a: Secret, b: Secret) =>
  a.version === b.version &&
  a.expires === b.expires &&
  a.owner_id === b.owner_id &&
  roleIds(a.read_roles) === roleIds(b.read_roles) &&
  roleIds(a.write_roles) === roleIds(b.write_roles);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * One path segment. `.` and `..` stay as they are when encoded (and `%2E` is read as a dot too),
 * so a URL parser would fold them into another route: a secret named `..`, or an owner `..`, would
 * read the shared secret of that name or hit another route. The vault refuses such names anyway;
 * refused here, they never leave the client.
 */
const path = (segment: string, property = 'name') => {
  if (segment === '.' || segment === '..')
    throw new VaultApiError(400, {
      error_code: 'VALUE_INCORRECT_FORMAT',
      error_message: `${property} may not be "." or ".."`,
      property,
    });
  return encodeURIComponent(segment);
};
const etag = (version: number | undefined) => (version === undefined ? undefined : `"${version}"`);

export class VaultClient {
  readonly #options: Required<Omit<ClientOptions, 'cache' | 'fetch' | 'token' | 'auth' | 'iam'>> &
    Pick<ClientOptions, 'cache' | 'iam'> & { token: NonNullable<ClientOptions['token']> };
  readonly #fetch: typeof fetch;
  readonly #renewer: TokenRenewer | undefined;
  /** In least-recently-used order (a Map keeps insertion order; a hit is moved to the end). */
  readonly #cache = new Map<string, CacheEntry>();
  /**
   * How far the vault's clock may be ahead of ours, from the Date header of its last answer: it
   * decides when a secret has expired, so the cache drops a value when the vault's clock may have
   * reached `expires`, a little early rather than late.
   */
  #vaultAheadMs = 0;

  constructor(options: ClientOptions) {
    const { auth, token, ...rest } = options;
    if (auth === 'iam' && token !== undefined) throw new TypeError("auth: 'iam' takes no token");
    if (auth !== 'iam' && token === undefined) throw new TypeError("a token, or auth: 'iam'");
    const renewer =
      auth === 'iam'
        ? new TokenRenewer(async () => {
            const login = await this.iamLogin();
            return { token: login.access_token, expiresInS: login.expires_in };
          }, options.iam?.now)
        : undefined;
    this.#renewer = renewer;
    this.#options = {
      timeoutMs: 10_000,
      retries: 3,
      maxRetryAfterMs: 60_000,
      ...rest,
      token: renewer ? () => renewer.token() : token!,
      baseUrl: options.baseUrl.replace(/\/$/, ''),
    };
    this.#fetch = options.fetch ?? fetch;
  }

  /**
   * IAM login: a vault token for the AWS principal whose credentials sign the request (SigV4,
   * service execute-api). With `auth: 'iam'` the client calls it itself when needed.
   */
  iamLogin = (): Promise<IamLogin> => {
    const iam = this.#options.iam ?? {};
    const credentials = iam.credentials ?? defaultCredentials();
    const region = signingRegion(this.#options.baseUrl, iam.region);
    return this.#call<IamLogin>('POST', '/auth/iam', {
      body: {},
      // A login writes nothing a repeat would double: safe to retry.
      retrySafe: true,
      sign: async (request) =>
        signV4(request, await credentials(), { region, service: 'execute-api', at: new Date() }),
    });
  };

  status = () => this.#call<ServiceStatus>('GET', '/status');

  /**
   * Reads a secret. With the cache on, a value younger than `maxStaleMs` is reused; an older one is
   * reused only if its version, roles and expiry are unchanged, so a rotation reaches cached readers
   * within `maxStaleMs` plus one request. A value whose `expires` has passed is never reused: the
   * vault answers that read (410 OBJECT_EXPIRED), as it would without a cache.
   */
  async getSecret(
    name: string,
    options: {
      version?: number;
      stage?: 'previous' | 'pending';
      owner?: string;
      /** Called when a cached value is served because the vault could not confirm it (`staleIfErrorMs`). */
      onStale?: (stale: { ageMs: number; error: VaultApiError }) => void;
    } = {},
  ): Promise<Secret> {
    const cacheable = this.#options.cache && options.version === undefined && options.stage === undefined;
    const key = `${options.owner ?? ''}\u0000${name}`;
    const cached = cacheable ? this.#cache.get(key) : undefined;
    if (cached) {
      if (await this.#stillCurrent(key, cached, name, options)) return this.#keep(key, cached);
      this.#cache.delete(key);
    }
    const secret = await this.#call<Secret>('GET', `${this.#secretPath(name, options.owner)}`, {
      query: { version: options.version, stage: options.stage },
    });
    if (cacheable && !this.#expired(secret)) this.#keep(key, { secret, checkedAt: Date.now() });
    return secret;
  }

  /** Whether a cached value may be served again: not expired, and fresh or checked unchanged. */
  async #stillCurrent(
    key: string,
    cached: CacheEntry,
    name: string,
    options: { owner?: string; onStale?: (stale: { ageMs: number; error: VaultApiError }) => void },
  ): Promise<boolean> {
    if (this.#expired(cached.secret)) return false;
    if (Date.now() - cached.checkedAt < this.#options.cache!.maxStaleMs) return true;
    let current: Secret;
    try {
      current = await this.getMetadata(name, options.owner === undefined ? {} : { owner: options.owner });
    } catch (error) {
      // The vault could not say (no answer, overloaded, failing): not a decision about access.
      const ageMs = Date.now() - cached.checkedAt;
      const unanswered = error instanceof VaultApiError && (error.retryable || error.status >= 500);
      if (
        unanswered &&
        ageMs < this.#options.cache!.maxStaleMs + (this.#options.cache!.staleIfErrorMs ?? 0)
      ) {
        options.onStale?.({ ageMs, error });
        return true;
      }
      // Gone, no longer visible, or unknown: the value is not served from memory again.
      this.#cache.delete(key);
      throw error;
    }
    // Who may read it and until when matter as much as the value: any change is a fresh read.
    if (!sameAccess(current, cached.secret) || this.#expired(current)) return false;
    cached.checkedAt = Date.now();
    return true;
  }

  /** Expired, or may be by the vault's clock; an unreadable time counts as expired. */
  #expired(secret: Secret): boolean {
    return secret.expires !== undefined && !(Date.parse(secret.expires) - this.#vaultAheadMs > Date.now());
  }

  #keep(key: string, entry: CacheEntry): Secret {
    this.#cache.delete(key);
    this.#cache.set(key, entry);
    const max = this.#options.cache?.maxEntries ?? 1000;
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= max) break;
      this.#cache.delete(oldest);
    }
    return entry.secret;
  }

  getMetadata = (name: string, options: { owner?: string } = {}) =>
    this.#call<Secret>('GET', this.#secretPath(name, options.owner, 'metadata/'));

  /** Creates a secret; retries are safe because each call carries its own Idempotency-Key. */
  createSecret = (name: string, input: NewSecret, options: { owner?: string; onlyIfAbsent?: boolean } = {}) =>
    this.#call<Written>(
      'POST',
      options.owner ? `/user/${path(options.owner, 'owner')}/secrets` : '/secrets',
      {
        body: { name, ...input },
        headers: { 'Idempotency-Key': randomUUID(), 'If-None-Match': options.onlyIfAbsent ? '*' : undefined },
        retrySafe: true,
      },
    );

  updateSecret = (name: string, patch: SecretPatch, options: { owner?: string; ifMatch?: number } = {}) =>
    this.#call<Written>('PUT', this.#secretPath(name, options.owner), {
      body: patch,
      headers: { 'If-Match': etag(options.ifMatch) },
    });

  /**
   * Changes the fields named and keeps the others, in one conditional write on the vault (no
   * read-modify-write here, so no write in between is lost); the data is never sent back. With
   * `ifMatch`, only if the secret is still at that version (else 412 PRECONDITION_FAILED).
   */
  patchSecret = (name: string, patch: MergePatch, options: { owner?: string; ifMatch?: number } = {}) =>
    this.#call<Written>('PATCH', this.#secretPath(name, options.owner), {
      body: patch,
      headers: { 'If-Match': etag(options.ifMatch), 'Content-Type': 'application/merge-patch+json' },
    });

  deleteSecret = (
    name: string,
    options: { owner?: string; recoveryWindowDays?: number; force?: boolean; ifMatch?: number } = {},
  ) =>
    this.#call<Written>('DELETE', this.#secretPath(name, options.owner), {
      query: { recovery_window_days: options.recoveryWindowDays, force: options.force },
      headers: { 'If-Match': etag(options.ifMatch) },
    });

  restoreSecret = (name: string, options: { owner?: string } = {}) =>
    this.#call<Written>('POST', this.#secretPath(name, options.owner, 'restore/'), { retrySafe: true });

  rotateSecret = (name: string) => this.#call<Written>('POST', `/rotate/secrets/${path(name)}`);
  getRotation = (name: string) => this.#call<Rotation>('GET', `/rotation/secrets/${path(name)}`);
  setRotation = (name: string, settings: RotationSettings) =>
    this.#call<Rotation>('PUT', `/rotation/secrets/${path(name)}`, { body: settings });
  stopRotation = (name: string) => this.#call<Rotation>('DELETE', `/rotation/secrets/${path(name)}`);

  versions = (name: string, page: Paging = {}) =>
    this.#call<Versions>('GET', `/versions/secrets/${path(name)}`, { query: page });

  audit = (query: AuditFilter = {}) => this.#call<AuditPage>('GET', '/audit', { query });

  /** Every audit record matching the filter, page by page, oldest first. */
  auditRecords(filter: Omit<AuditFilter, 'offset' | 'limit'> = {}, options: { pageSize?: number } = {}) {
    return this.#pages((offset, limit) => this.audit({ ...filter, offset, limit }), options.pageSize);
  }

  /** Every shared secret the caller may list (or one user's personal secrets), page by page. */
  listSecrets(options: { pageSize?: number; owner?: string } = {}): AsyncIterable<Secret> {
    const route = options.owner ? `/user/${path(options.owner, 'owner')}/secrets` : '/secrets';
    return this.#pages(
      (offset, limit) => this.#call<SecretList>('GET', route, { query: { offset, limit } }),
      options.pageSize,
    );
  }

  /** Every match of a search, page by page (paging and sorting in the query string, as the API wants). */
  searchSecrets(
    search: Search = {},
    options: { pageSize?: number; sortkey?: 'name' | 'created' | 'updated'; sortdir?: 'ASC' | 'DESC' } = {},
  ): AsyncIterable<Secret> {
    return this.#pages(
      (offset, limit) =>
        this.#call<SecretList>('POST', '/search/secrets', {
          query: { offset, limit, sortkey: options.sortkey, sortdir: options.sortdir },
          body: search,
          retrySafe: true,
        }),
      options.pageSize,
    );
  }

  async *#pages<T>(
    fetchPage: (offset: number, limit: number) => Promise<{ count: number; items: T[] }>,
    pageSize = 100,
  ): AsyncIterable<T> {
    for (let offset = 0; ; offset += pageSize) {
      const page = await fetchPage(offset, pageSize);
      yield* page.items;
      if (page.items.length < pageSize || offset + pageSize >= page.count) return;
    }
  }

  /** A secret's route, personal with `owner`; `kind` names a sub-resource (`metadata/`, `restore/`). */
  #secretPath(name: string, owner?: string, kind = '') {
    return `${owner ? `/user/${path(owner, 'owner')}` : ''}/${kind}secrets/${path(name)}`;
  }

  async #call<T>(method: string, route: string, options: CallOptions = {}): Promise<T> {
    const query = Object.entries(options.query ?? {}).filter(([, value]) => value !== undefined);
    const url = `${this.#options.baseUrl}${route}${query.length ? `?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)]))}` : ''}`;
    const retrySafe = method !== 'POST' || options.retrySafe === true;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      let error: VaultApiError;
      let retryAfterMs = 0;
      const headers: Record<string, string> = { Accept: 'application/json' };
      for (const [key, value] of Object.entries(options.headers ?? {}))
        if (value !== undefined) headers[key] = value;
      if (options.body !== undefined) headers['Content-Type'] ??= 'application/json';
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      // Outside the try: no credentials (or no token) is not a network failure, and says why itself.
      let token: string | undefined;
      if (options.sign)
        Object.assign(headers, await options.sign({ method, url, headers, body: payload ?? '' }));
      else {
        token = typeof this.#options.token === 'function' ? await this.#options.token() : this.#options.token;
        headers.Authorization = `Bearer ${token}`;
      }
      try {
        const sentAt = Date.now();
        const response = await this.#fetch(url, {
          method,
          headers,
          signal: AbortSignal.timeout(this.#options.timeoutMs),
          ...(payload !== undefined && { body: payload }),
        });
        const body = parseJson(await response.text());
        // Date has whole seconds: the vault's clock read at most a second more than it says.
        const date = Date.parse(response.headers.get('date') ?? '');
        if (Number.isFinite(date)) this.#vaultAheadMs = Math.max(0, date + 1000 - sentAt);
        if (response.ok) return body as T;
        error = new VaultApiError(response.status, body as Partial<ErrorBody>, `HTTP ${response.status}`);
        retryAfterMs = retryAfterOf(response.headers.get('retry-after'));
        if (retryAfterMs > 0) error.retryAfterMs = retryAfterMs;
      } catch (caught) {
        const timeout = caught instanceof Error && caught.name === 'TimeoutError';
        error = new VaultApiError(
          0,
          { error_code: timeout ? 'TIMEOUT' : 'NETWORK_ERROR' },
          timeout ? 'The request timed out' : 'The vault could not be reached',
          // Why it could not (refused, unknown host, TLS): the CLI names it in its one line.
          { cause: caught },
        );
      }
      // An IAM login's token refused (revoked, the vault's key rotated): log in again, once.
      if (error.status === 401 && this.#renewer && token !== undefined && !renewed) {
        renewed = true;
        this.#renewer.invalidate(token);
        continue;
      }
      if (!error.retryable || !retrySafe || attempt >= this.#options.retries) throw error;
      // Retrying sooner than asked would only be refused again; waiting longer stalls the caller.
      if (retryAfterMs > this.#options.maxRetryAfterMs) throw error;
      // Full jitter, never sooner than the server asked.
      await sleep(Math.max(retryAfterMs, Math.random() * 200 * 2 ** attempt));
    }
  }
}
