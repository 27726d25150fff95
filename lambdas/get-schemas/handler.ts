import { loadServiceConfig } from '../../shared/config.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import * as operations from '../../shared/operations.ts';

const { schemas } = loadServiceConfig();

export const handler = vaultHandler(operations.getSchemas, () => schemas);
