import { loadServiceConfig } from '../../shared/config.ts';
import { serviceStatus } from '../../shared/domain/service-status.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import * as operations from '../../shared/operations.ts';

const { version } = loadServiceConfig();
const startedAt = new Date();

export const handler = vaultHandler(operations.status, () => serviceStatus(version, startedAt));
