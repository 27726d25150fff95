/**
 * Request and response schemas of the API, in zod: they validate requests in the Lambdas and feed
 * the OpenAPI document, so the contract is written once. Each schema is built where it is declared
 * and marked pure, so a function's bundle keeps only its own operation's schemas.
 */
export * from './schemas/auth.ts';
export * from './schemas/fields.ts';
export * from './schemas/requests.ts';
export * from './schemas/responses.ts';
export * from './schemas/rotation.ts';
