import { apiBaseUrl } from '../../shared/http/base-url.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { openApiDocument } from '../../shared/openapi.ts';
import * as operations from '../../shared/operations.ts';

// Built once per cold start: it only changes with the code.
const document = openApiDocument();

// Served with the absolute URL the caller reached us at, so generated clients call the right stage.
export const handler = vaultHandler(operations.getOpenApi, (_request, event) => ({
  ...document,
  servers: [{ url: apiBaseUrl(event) }],
}));
