/**
 * Checks a response against the served OpenAPI document: the success schema of its operation, or
 * the Error (or Problem) schema for a failure. The end-to-end helper runs it on every response.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { matchRoute } from '../../infra/local/router.ts';
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

/** Returns a description of what does not match, or undefined when the response conforms. */
export function openApiMismatch(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: unknown,
): string | undefined {
  const path = new URL(url, 'http://x').pathname;
  if (!path.startsWith(API_BASE)) return undefined;
  const route = matchRoute(method, path);
  const problem = contentType?.startsWith('application/problem+json') ?? false;
  // Failures made before any operation is chosen (unknown route, method) carry the plain shape.
  if (route.kind !== 'found') {
    const schema = problem ? 'Problem' : 'Error';
    const validate = validatorFor(pointer('components', 'schemas', schema));
    return validate(body)
      ? undefined
      : `${status} body is not an ${schema}: ${ajv.errorsText(validate.errors)}`;
  }
  // Anything else must be a status the operation documents, with that status's schema and codes.
  const operationPath = route.operation.path.replace('{name+}', '{name}');
  const responses = (
    document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>
  )[operationPath]?.[route.operation.method.toLowerCase()]?.responses;
  if (!responses?.[String(status)])
    return `${method} ${operationPath} answered ${status}, which it does not document`;
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
          route.operation.method.toLowerCase(),
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
