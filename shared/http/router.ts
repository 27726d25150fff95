/**
 * Routes requests the way the API Gateway REST API of the CDK app does: one route per row of the
 * operation table, `{name+}` greedy, and path parameters handed over still percent-encoded, as
 * REST APIs do (HTTP APIs would decode them): the function decodes them, exactly once.
 */
import { API_BASE, allOperations, type Operation } from '../operations.ts';

interface CompiledRoute {
  operation: Operation;
  resource: string;
  pattern: RegExp;
  params: string[];
}

export type RouteMatch =
  | { kind: 'found'; operation: Operation; resource: string; pathParameters: Record<string, string> | null }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'version-not-served' }
  | { kind: 'not-found' };

/** `/vault/api/v2/...`: a path version beside the one served, told apart from a mistyped route. */
const API_ROOT = API_BASE.slice(0, API_BASE.lastIndexOf('/') + 1);
const PATH_VERSION = new RegExp(`^${API_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(v\\d+)(?:/|$)`);

function compile(operation: Operation): CompiledRoute {
  const resource = `${API_BASE}${operation.path}`;
  const params: string[] = [];
  const source = resource
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}+]+)(\+?)\}$/.exec(part);
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(param[1]!);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('');
  return { operation, resource, pattern: new RegExp(`^${source}$`), params };
}

const routes = allOperations.map(compile);

/** `rawPath` is the path as sent, still percent-encoded: a `%2F` must not split a segment. */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of routes) {
    const match = route.pattern.exec(rawPath);
    if (!match) continue;
    if (route.operation.method !== method) {
      allowed.push(route.operation.method);
      continue;
    }
    const pathParameters: Record<string, string> = {};
    route.params.forEach((param, index) => {
      pathParameters[param] = match[index + 1]!;
    });
    return {
      kind: 'found',
      operation: route.operation,
      resource: route.resource,
      pathParameters: route.params.length > 0 ? pathParameters : null,
    };
  }
  if (allowed.length > 0) return { kind: 'method-not-allowed', allowed: [...new Set(allowed)] };
  const pathVersion = PATH_VERSION.exec(rawPath)?.[1];
  return pathVersion !== undefined && `${API_ROOT}${pathVersion}` !== API_BASE
    ? { kind: 'version-not-served' }
    : { kind: 'not-found' };
}
