/**
 * The OpenAPI 3.1 document, generated from the operation table and its zod schemas: no hand-written
 * copy to drift. Every operation documents its success response and the vault's error shape for
 * each failure it can produce.
 */
import * as z from 'zod';
import {
  API_BASE,
  API_VERSIONS,
  allOperations,
  DEFAULT_API_VERSION,
  type Operation,
  versionsOf,
} from './operations.ts';
import { ErrorResponse, ProblemResponse } from './schemas.ts';

type Json = Record<string, unknown>;

/** Definitions zod hoists out of recursive schemas, moved to components so their refs resolve. */
const hoisted: Record<string, Json> = {};

function schemaOf(schema: z.core.$ZodType, io: 'input' | 'output'): Json {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  const {
    $schema: _dialect,
    $defs,
    ...rest
  } = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json & {
    $defs?: Record<string, Json>;
  };
  Object.assign(hoisted, $defs);
  return rest;
}

/**
 * The named shapes, converted together from a registry so that each refers to the others, and a
 * recursive one to itself, by its component name: converted alone, the error shape's `details`
 * (errors within the error) came out as `{"$ref":"#"}`, the document root, which generators such as
 * openapi-typescript cannot follow.
 */
function namedSchemas(): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  registry.add(ErrorResponse, { id: 'Error' });
  registry.add(ProblemResponse, { id: 'Problem' });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([name, { $schema: _dialect, $id: _id, ...schema }]) => [
      name,
      schema as Json,
    ]),
  );
}

/** The error responses, each with the codes clients should expect (ERRORS.md). */
const ERRORS: Record<string, { description: string; codes: string[] }> = {
  '400': {
    description:
      'Invalid request: every problem is listed in `details`; or Vault-Version names no known version ' +
      '(INVALID_VERSION), one this operation is not served in (UNSUPPORTED_VERSION) or one past its sunset ' +
      '(DEPRECATED_VERSION)',
    codes: [
      'BAD_REQUEST',
      'INVALID_REQUEST_DATA',
      'REQUIRED_VALUE_MISSING',
      'VALUE_OUT_OF_BOUNDS',
      'VALUE_INCORRECT_TYPE',
      'VALUE_INCORRECT_FORMAT',
      'INVALID_VERSION',
      'UNSUPPORTED_VERSION',
      'DEPRECATED_VERSION',
    ],
  },
  '401': {
    description:
      'No, invalid or expired bearer token (see WWW-Authenticate); `details` names the reason: ' +
      'TOKEN_MISSING, AUTHORIZATION_MALFORMED (not "Bearer <token>"), TOKEN_INVALID or TOKEN_EXPIRED',
    codes: ['UNAUTHENTICATED'],
  },
  '403': { description: 'The token lacks the scope, or the caller the role', codes: ['PERMISSION_DENIED'] },
  '404': {
    description: 'No such secret, or one the caller may not see ("Secret not found"), or no such route',
    codes: ['OBJECT_NOT_FOUND', 'ROUTE_NOT_FOUND'],
  },
  '405': { description: 'Method not allowed here (see Allow)', codes: ['METHOD_NOT_ALLOWED'] },
  '409': {
    description: 'The name is taken by a live secret, or writers kept colliding',
    codes: ['VALUE_DUPLICATE', 'VERSION_CONFLICT'],
  },
  '410': { description: "The secret's expiry has passed: its data is refused", codes: ['OBJECT_EXPIRED'] },
  '412': { description: 'If-Match or If-None-Match did not hold', codes: ['PRECONDITION_FAILED'] },
  '413': { description: 'Body too large', codes: ['PAYLOAD_TOO_LARGE'] },
  '415': { description: 'Body is not JSON', codes: ['UNSUPPORTED_MEDIA_TYPE'] },
  '422': { description: 'Valid JSON that breaks a rule of the vault', codes: ['RULE_VIOLATION'] },
  '429': { description: 'Throttled: retry after Retry-After seconds', codes: ['MAX_LOAD'] },
  '500': {
    description: 'Unexpected; or stored data failed its integrity check; or the key is unusable',
    codes: ['GENERAL_ERROR', 'DATA_INTEGRITY_ERROR', 'CONFIGURATION_ERROR'],
  },
  '502': {
    description:
      'The gateway could not complete the request (GENERAL_ERROR), or a rotation step failed ' +
      '(INTRA_SERVICE_COMMUNICATION_ERROR; the current version is unchanged)',
    codes: ['GENERAL_ERROR', 'INTRA_SERVICE_COMMUNICATION_ERROR'],
  },
  '503': {
    description: 'DynamoDB or KMS is throttled or unavailable: retry after Retry-After seconds',
    codes: ['DATABASE_ERROR', 'INTRA_SERVICE_COMMUNICATION_ERROR'],
  },
  '504': { description: 'The gateway timed out waiting for the function; retry', codes: ['GENERAL_ERROR'] },
};

/** Response headers, documented once and named by the responses that carry them. */
const HEADERS: Record<string, Json> = {
  ETag: {
    description: 'The version as a strong entity tag ("3"): send it back in If-Match to write safely',
    schema: { type: 'string', pattern: '^"\\d+"$' },
  },
  Location: { description: 'Where the new secret is read', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
  'WWW-Authenticate': { description: 'The Bearer challenge (RFC 6750)', schema: { type: 'string' } },
  Allow: { description: 'The methods this path allows', schema: { type: 'string' } },
  'X-Request-Id': { description: 'The trace id, also in the error body', schema: { type: 'string' } },
  'Vault-Version': {
    description: 'The API version the request was served in (absent when the version itself was refused)',
    schema: { type: 'string', enum: API_VERSIONS.map((version) => version.name) },
  },
  Deprecation: {
    description: 'RFC 9745: the version served is deprecated since this time (`@` and Unix seconds)',
    schema: { type: 'string', pattern: '^@-?\\d+$' },
  },
  Sunset: {
    description: 'RFC 8594: the version served is refused from this HTTP date on (400 DEPRECATED_VERSION)',
    schema: { type: 'string' },
  },
};
const VERSION_HEADERS = ['Vault-Version', 'Deprecation', 'Sunset'];
const ERROR_HEADERS: Record<string, string[]> = {
  '400': VERSION_HEADERS,
  '401': ['WWW-Authenticate'],
  '405': ['Allow'],
  '429': ['Retry-After'],
  '503': ['Retry-After'],
};
const headerRefs = (names: readonly string[], required: (name: string) => boolean = () => false) =>
  Object.fromEntries(
    names.map((name) => [
      name,
      required(name) ? { ...HEADERS[name], required: true } : { $ref: `#/components/headers/${name}` },
    ]),
  );

/** Only operations that hand out secret data refuse it once the secret has expired. */
const READS_DATA = new Set(['get-secret', 'get-user-secret', 'batch-get-secrets']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/** Which failures an operation can produce, from what its row declares. */
function errorStatuses(operation: Operation): string[] {
  // The gateway may answer any route with 413 (too large), 429 (throttled), 502 or 504 (integration).
  const statuses = new Set(['400', '405', '413', '429', '500', '502', '504']);
  const add = (...more: string[]) => {
    for (const status of more) statuses.add(status);
  };
  if (operation.scopes.length > 0) add('401', '403', '503');
  // A signature the gateway refuses, or a principal nobody mapped; the key service may be down.
  if (operation.authorization === 'iam') add('403', '503');
  if (operation.tokenKey) add('503');
  if (operation.path.includes('{name+}') || operation.path.includes('{user_id}')) add('404');
  if (operation.request.body) add('415');
  // A rule of the vault can refuse any change (restore outside the window, rotate without a rotator, ...).
  if (operation.method !== 'GET') add('422');
  // Taken names and writers that kept colliding: only operations that write.
  if (operation.table.some((action) => WRITES.has(action))) add('409');
  if (operation.request.headers) add('412');
  if (READS_DATA.has(operation.id)) add('410');
  return [...statuses].sort();
}

/** A PATCH body is a JSON merge patch (RFC 7396), under its own media type or plain JSON. */
const bodyMediaTypes = (operation: Operation) =>
  operation.method === 'PATCH' ? ['application/merge-patch+json', 'application/json'] : ['application/json'];

function parameters(operation: Operation): Json[] {
  const params: Json[] = [];
  // zod/mini objects too (the request schemas are): the core class both kinds share.
  const shapeOf = (schema: z.core.$ZodType | undefined) =>
    schema instanceof z.core.$ZodObject ? (schema._zod.def.shape as Record<string, z.core.$ZodType>) : {};
  const pathShape = shapeOf(operation.request.path);
  for (const [, name, greedy] of operation.path.matchAll(/\{(\w+)(\+?)\}/g)) {
    const schema = name && pathShape[name];
    params.push({
      name,
      in: 'path',
      required: true,
      schema: schema ? schemaOf(schema, 'input') : { type: 'string' },
      ...(greedy && { description: 'A secret name; it may contain "/", sent as %2F or as is' }),
    });
  }
  // Typed as the vault parses them, so generated clients send integers, enums and booleans.
  for (const [name, schema] of Object.entries(shapeOf(operation.request.query)))
    params.push({ name, in: 'query', required: false, schema: schemaOf(schema, 'input') });
  params.push({
    name: 'Vault-Version',
    in: 'header',
    required: false,
    description: `The API version to serve the request in; absent: ${DEFAULT_API_VERSION}`,
    schema: { type: 'string', enum: versionsOf(operation).map((version) => version.name) },
  });
  for (const [name, schema] of Object.entries(shapeOf(operation.request.headers))) {
    params.push({
      name: name.replace(/(^|-)(\w)/g, (m) => m.toUpperCase()),
      in: 'header',
      required: false,
      schema: schemaOf(schema, 'input'),
    });
  }
  return params;
}

const withCodes = (shape: 'Error' | 'Problem', codes: string[]): Json => ({
  $ref: `#/components/schemas/${shape}`,
  properties: { error_code: { enum: codes } },
});

export function openApiDocument(serverUrl = API_BASE): Json {
  for (const key of Object.keys(hoisted)) delete hoisted[key];
  const paths: Record<string, Json> = {};
  for (const operation of allOperations) {
    const path = operation.path.replace('{name+}', '{name}');
    paths[path] ??= {};
    const body = operation.request.body;
    paths[path][operation.method.toLowerCase()] = {
      operationId: operation.id,
      summary: operation.summary,
      security:
        operation.authorization === 'iam'
          ? [{ sigv4: [] }]
          : operation.scopes.length > 0
            ? [{ bearer: [...operation.scopes] }]
            : [],
      parameters: parameters(operation),
      ...(body && {
        requestBody: {
          required: !z.safeParse(body, undefined).success,
          content: Object.fromEntries(
            bodyMediaTypes(operation).map((type) => [type, { schema: schemaOf(body, 'input') }]),
          ),
        },
      }),
      responses: {
        [String(operation.successStatus)]: {
          description: 'Success',
          headers: headerRefs(
            ['X-Request-Id', ...(operation.successHeaders ?? []), ...VERSION_HEADERS],
            // A write that removed the secret has no version, so no ETag; reads and creates always have one.
            (name) =>
              name === 'Vault-Version' ||
              ((operation.successHeaders as readonly string[] | undefined)?.includes(name) === true &&
                (operation.method === 'GET' || operation.successStatus === 201)),
          ),
          content: { 'application/json': { schema: schemaOf(operation.response, 'output') } },
        },
        ...Object.fromEntries(
          errorStatuses(operation).map((status) => [status, { $ref: `#/components/responses/E${status}` }]),
        ),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vault API (PrivX-compatible)',
      version: '1.0.0',
      description:
        'Secrets API compatible with the PrivX vault API, with versions, soft delete, rotation and an audit trail. ' +
        `API versions: send \`Vault-Version\` (absent: ${DEFAULT_API_VERSION}); the versions are listed in ` +
        '`x-vault-versions`. Only the path version /vault/api/v1 is served: any other (/vault/api/v2/...) ' +
        'answers 404 UNSUPPORTED_VERSION.',
    },
    'x-vault-versions': API_VERSIONS.map((version) => ({
      ...version,
      ...(version.name === DEFAULT_API_VERSION && { default: true }),
    })),
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A JWT with the PrivX scopes in `scope` or `scp`.',
        },
        // API Gateway's AWS_IAM authorization, as its own OpenAPI extension describes it.
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          'x-amazon-apigateway-authtype': 'awsSigv4',
          description: 'An AWS Signature Version 4 of the request, for service `execute-api`.',
        },
      },
      headers: HEADERS,
      schemas: {
        ...namedSchemas(),
        ...hoisted,
      },
      responses: Object.fromEntries(
        Object.entries(ERRORS).map(([status, { description, codes }]) => [
          `E${status}`,
          {
            description: `${description}. error_code: ${codes.join(', ')}`,
            headers: headerRefs([
              'X-Request-Id',
              ...new Set(['Vault-Version', ...(ERROR_HEADERS[status] ?? [])]),
            ]),
            // The shape, narrowed to the codes this status carries (a 3.1 $ref may have siblings).
            content: {
              'application/json': { schema: withCodes('Error', codes) },
              'application/problem+json': { schema: withCodes('Problem', codes) },
            },
          },
        ]),
      ),
    },
  };
}
