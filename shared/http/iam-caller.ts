import type { IamCaller } from '../domain/iam-login.ts';
import type { ApiEvent } from './types.ts';

type IamContext = {
  identity?: { userArn?: string | null; sourceIp?: string | null } | null;
  authorizer?: { iam?: { userArn?: string | null } | null } | null;
};

/**
 * The IAM caller API Gateway verified (AWS_IAM): `requestContext.identity.userArn` in the REST event
 * (and HTTP API payload 1.0), `requestContext.authorizer.iam.userArn` in HTTP API payload 2.0. Only
 * the gateway writes these: a client cannot set them, and an unsigned request never gets here.
 */
export function iamCallerOf(event: ApiEvent, traceId: string): IamCaller {
  const context = event.requestContext as unknown as IamContext | undefined;
  const arn = context?.identity?.userArn ?? context?.authorizer?.iam?.userArn ?? undefined;
  return { arn: arn || undefined, traceId, sourceIp: context?.identity?.sourceIp ?? 'unknown' };
}
