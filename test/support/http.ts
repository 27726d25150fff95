/** A tiny client for end-to-end tests: raw fetch, so tests see exactly what a client would. */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { type DevIssuer, devIssuer, type TokenRequest } from '../../infra/local/dev-issuer.ts';
import { openApiMismatch } from './openapi-check.ts';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export const baseUrl = () => inject('vaultUrl');
export const apiUrl = (path: string) => `${baseUrl()}/vault/api/v1${path}`;

/** String values of secret data sent by any test: the teardown proves none reached a log or event. */
function secretStrings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string' && value.length >= 8) found.push(value);
  else if (value && typeof value === 'object')
    for (const child of Object.values(value)) secretStrings(child, found);
  return found;
}

export function recordSent(values: string[]): void {
  if (values.length > 0)
    appendFileSync(
      join(inject('vaultStateDir'), 'sent-values.jsonl'),
      `${values.map((v) => JSON.stringify(v)).join('\n')}\n`,
    );
}

export async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const sent = secretStrings((options.body as { data?: unknown } | undefined)?.data);
  recordSent([...sent, ...(options.token ? [options.token] : [])]);
  const response = await fetch(path.startsWith('http') ? path : apiUrl(path), { method, headers, body });
  const text = await response.text();
  // An error never echoes the secret data it was sent.
  if (response.status >= 400 && sent.some((value) => text.includes(value))) {
    throw new Error(`error response ${response.status} echoed secret data: ${method} ${path}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // Every response any end-to-end test receives from the API must match the served OpenAPI document.
  const mismatch = openApiMismatch({
    method,
    url: response.url,
    status: response.status,
    headers: response.headers,
    text,
  });
  if (mismatch) throw new Error(`response does not match the OpenAPI document: ${mismatch}`);
  return { status: response.status, headers: response.headers, text, json };
}

let issuer: Promise<DevIssuer> | undefined;
/** The running server's dev issuer: real RS256 tokens it accepts. */
export const localIssuer = (): Promise<DevIssuer> => (issuer ??= devIssuer(inject('vaultStateDir')));
export const token = async (request: TokenRequest): Promise<string> => (await localIssuer()).mint(request);

let counter = 0;
/** Names unique to one test run, so tests never see each other's secrets. */
export const uniqueName = (prefix: string) =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
