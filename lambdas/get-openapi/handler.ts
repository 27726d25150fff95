import { vaultHandler } from '../../shared/http/stack.ts';
import { openApiDocument } from '../../shared/openapi.ts';
import { operations } from '../../shared/operations.ts';

// Built once per cold start: it only changes with the code.
const document = openApiDocument();

export const handler = vaultHandler(operations.getOpenApi, () => document);
