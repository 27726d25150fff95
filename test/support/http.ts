/** A tiny client for end-to-end tests: raw fetch, so tests see exactly what a client would. */
import { inject } from 'vitest';
import { type DevIssuer, devIssuer, type TokenRequest } from '../../infra/local/dev-issuer.ts';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export const baseUrl = () => inject('vaultUrl');
export const apiUrl = (path: string) => `${baseUrl()}/vault/api/v1${path}`;

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
  const response = await fetch(path.startsWith('http') ? path : apiUrl(path), { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
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
