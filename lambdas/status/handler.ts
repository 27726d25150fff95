import { loadServiceConfig } from '../../shared/config.ts';
import { serviceStatus } from '../../shared/domain/service-status.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import * as operations from '../../shared/operations.ts';

const { version } = loadServiceConfig();
const startedAt = new Date();

const apiVersions = { versions: operations.API_VERSIONS, defaultVersion: operations.DEFAULT_API_VERSION };

export const handler = vaultHandler(operations.status, () => serviceStatus(version, startedAt, apiVersions));
