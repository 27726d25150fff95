import type { MiddlewareObj } from '@middy/core';
import { API_VERSIONS, type ApiVersion, DEFAULT_API_VERSION, type Operation } from '../operations.ts';
import { DeprecatedVersionError, InvalidVersionError, UnsupportedVersionError } from './http-errors.ts';
import { deprecationHeaders } from './status.ts';
import type { ApiEvent, ApiResult, StackRequest, VaultContext } from './types.ts';

export const VERSION_HEADER = 'Vault-Version';

export interface ApiVersionOptions {
  /** The versions the vault knows; tests hand in a table with deprecated and retired rows. */
  versions: readonly ApiVersion[];
  /** Served when the request names none. */
  defaultVersion: string;
  now: () => number;
}

const defaults: ApiVersionOptions = {
  versions: API_VERSIONS,
  defaultVersion: DEFAULT_API_VERSION,
  now: Date.now,
};

interface Resolved {
  name: string;
  deprecated?: Date;
  sunset?: Date;
}

type Internal = { apiVersion?: Resolved };

const instant = (value: string, what: string): Date => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${what} is not a date: ${value}`);
  return date;
};

/** Checked when the factory runs, so a bad versions table fails at cold start, not per request. */
function compile(operation: Operation, options: ApiVersionOptions): Map<string, Resolved> {
  const known = new Map<string, Resolved>();
  for (const version of options.versions) {
    if (version.sunset !== undefined && version.deprecated === undefined)
      throw new Error(`API version ${version.name} has a sunset but is not deprecated`);
    const deprecated =
      version.deprecated === undefined ? undefined : instant(version.deprecated, version.name);
    const sunset = version.sunset === undefined ? undefined : instant(version.sunset, version.name);
    if (deprecated && sunset && sunset < deprecated)
      throw new Error(`API version ${version.name} sets before it is deprecated`);
    known.set(version.name, { name: version.name, deprecated, sunset });
  }
  if (!known.has(options.defaultVersion))
    throw new Error(`The default API version ${options.defaultVersion} is not in the versions table`);
  for (const name of operation.versions ?? [])
    if (!known.has(name)) throw new Error(`Operation ${operation.id} names an unknown API version ${name}`);
  return known;
}

/** The header's values as sent, whatever their case, the multi-value map included. */
function headerValues(event: ApiEvent): string[] {
  const wanted = VERSION_HEADER.toLowerCase();
  const values = new Set<string>();
  for (const [name, list] of Object.entries(event.multiValueHeaders ?? {}))
    if (name.toLowerCase() === wanted) for (const value of list ?? []) values.add(value.trim());
  for (const [name, value] of Object.entries(event.headers ?? {}))
    if (name.toLowerCase() === wanted && value !== undefined) values.add(value.trim());
  return [...values];
}

/**
 * `Vault-Version` (seed 004's versioning rules in the PrivX error shape): absent, the default
 * version; unknown, 400 INVALID_VERSION; known but not served by this operation, 400
 * UNSUPPORTED_VERSION; deprecated, served with `Deprecation` and `Sunset`, and after its sunset
 * 400 DEPRECATED_VERSION. Every response served in a version names it in `Vault-Version`.
 */
export function apiVersion(
  operation: Operation,
  opts: Partial<ApiVersionOptions> = {},
): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const options: ApiVersionOptions = { ...defaults, ...opts };
  const known = compile(operation, options);
  const names = [...known.keys()];
  const served = names.filter((name) => operation.versions?.includes(name) ?? true);

  const apiVersionBefore = (request: StackRequest): void => {
    const values = headerValues(request.event);
    // Two different values are no answer to "which version": refused, never one picked.
    if (values.length > 1) throw new InvalidVersionError(names);
    const [named] = values;
    const version = known.get(named ?? options.defaultVersion);
    if (!version) throw new InvalidVersionError(names);
    if (version.sunset && options.now() >= version.sunset.getTime())
      throw new DeprecatedVersionError(
        version.name,
        version.deprecated!,
        version.sunset,
        options.defaultVersion,
      );
    if (!served.includes(version.name)) throw new UnsupportedVersionError(version.name, served);
    (request.internal as Internal).apiVersion = version;
  };

  const apiVersionHeaders = (request: StackRequest): void => {
    const version = (request.internal as Internal).apiVersion;
    if (!request.response || !version) return;
    request.response.headers = {
      ...request.response.headers,
      [VERSION_HEADER]: version.name,
      ...(version.deprecated && deprecationHeaders(version.deprecated, version.sunset)),
    };
  };

  return { before: apiVersionBefore, after: apiVersionHeaders, onError: apiVersionHeaders };
}
