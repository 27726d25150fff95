/**
 * Checks a response against the served OpenAPI document: the success schema of its operation, or
 * the Error (or Problem) schema for a failure. The end-to-end helper runs it on every response.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { matchRoute } from '../../shared/http/router.ts';
import { openApiDocument } from '../../shared/openapi.ts';
import { API_BASE } from '../../shared/operations.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
const document = openApiDocument();
ajv.addSchema(document, 'openapi');

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
const compiled = new Map<string, ReturnType<Ajv2020['compile']>>();

function validatorFor(ref: string) {
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi#/${ref}` });
    compiled.set(ref, validate);
  }
  return validate;
}

export interface SeenResponse {
  method: string;
  url: string;
  status: number;
  headers: Pick<Headers, 'get'>;
  /** The body as received. */
  text: string;
}

type Responses = Record<string, { headers?: Record<string, { required?: boolean }> }>;

/** Returns a description of what does not match, or undefined when the response conforms. */
export function openApiMismatch({ method, url, status, headers, text }: SeenResponse): string | undefined {
  const path = new URL(url, 'http://x').pathname;
  if (!path.startsWith(API_BASE)) return undefined;
  const contentType = headers.get('content-type') ?? '';
  const problem = contentType.startsWith('application/problem+json');
  if (!problem && !contentType.startsWith('application/json'))
    return `${method} ${path} ${status}: content type ${contentType || 'none'} is not JSON`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `${method} ${path} ${status}: the body is not JSON`;
  }
  const route = matchRoute(method, path);
  // Failures made before any operation is chosen (unknown route, method) carry the plain shape.
  if (route.kind !== 'found') {
    if (status !== 404 && status !== 405) return `${method} ${path} matched no route but answered ${status}`;
    const schema = problem ? 'Problem' : 'Error';
    const validate = validatorFor(pointer('components', 'schemas', schema));
    return validate(body)
      ? undefined
      : `${status} body is not an ${schema}: ${ajv.errorsText(validate.errors)}`;
  }
  // Anything else must be a status the operation documents, with that status's schema and codes.
  const operationPath = route.operation.path.replace('{name+}', '{name}');
  const operationMethod = route.operation.method.toLowerCase();
  const responses = (
    document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>
  )[operationPath]?.[operationMethod]?.responses;
  if (!responses?.[String(status)])
    return `${method} ${operationPath} answered ${status}, which it does not document`;
  const documented =
    status >= 400
      ? (document.components as { responses: Responses }).responses[`E${status}`]
      : (responses as Responses)[String(status)];
  for (const [name, header] of Object.entries(documented?.headers ?? {}))
    if (header.required && headers.get(name) === null)
      return `${method} ${operationPath} ${status}: the documented header ${name} is missing`;
  const ref =
    status >= 400
      ? pointer(
          'components',
          'responses',
          `E${status}`,
          'content',
          problem ? 'application/problem+json' : 'application/json',
          'schema',
        )
      : pointer(
          'paths',
          operationPath,
          operationMethod,
          'responses',
          String(status),
          'content',
          'application/json',
          'schema',
        );
  const validate = validatorFor(ref);
  return validate(body)
    ? undefined
    : `${method} ${operationPath} ${status}: ${ajv.errorsText(validate.errors)}`;
}

/** A fetch that throws on any response of the vault that breaks the document: for clients under test. */
export const checkedFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  const mismatch = openApiMismatch({
    method,
    url: response.url,
    status: response.status,
    headers: response.headers,
    text: await response.clone().text(),
  });
  if (mismatch) throw new Error(`response does not match the OpenAPI document: ${mismatch}`);
  return response;
};
