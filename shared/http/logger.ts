import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs keyed by trace id. Never log events, bodies, headers or tokens: for a
 * secrets service those carry plaintext secrets and credentials.
 */
export const logger = new Logger({ serviceName: 'vault' });
