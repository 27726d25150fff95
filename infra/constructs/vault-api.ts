/**
 * The REST API: one route per operation (generated from the table), an ANY route on every
 * resource answering 405 with `Allow` (and CORS preflights, when origins are set), gateway-made
 * errors in the vault's shape, stage throttling, and, when the account's API Gateway role allows
 * it, JSON access logs and error-level execution logs.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  MockIntegration,
  PassthroughBehavior,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { API_BASE, type Operation } from '../../shared/operations.ts';
import { errorTemplate, GATEWAY_ERRORS, GATEWAY_RESPONSE_HEADERS } from '../gateway-responses.ts';
import { allowOriginTemplate, CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE } from './vault-cors.ts';

/**
 * REST APIs write execution and access logs to CloudWatch through one role per account and
 * Region (`AWS::ApiGateway::Account`), shared by every REST API there.
 * - `none` (default): the vault neither sets nor needs it; no access or execution logs (metrics
 *   and X-Ray traces stay, and every function logs each request itself).
 * - `existing`: the account's role is already set (by the platform team); logs are on.
 * - `create`: the vault sets the account's role to one it creates (and keeps on delete), taking
 *   over the setting for every REST API in the account and Region; logs are on.
 */
export type ApiGatewayCloudWatchRole = 'none' | 'existing' | 'create';

/** Why no route has a gateway authorizer (REST and HTTP API alike). */
export const FUNCTION_AUTH_REASON =
  'Authorization is enforced in every function before any handler logic: aws-jwt-verify checks the JWT signature ' +
  'against the issuer JWKS, issuer, audience, expiry (required) and a maximum lifetime, then the operation scopes ' +
  'from the operation table. Doing it in the function keeps one error shape for every failure and works with any ' +
  'OIDC issuer. GET /status (PrivX clients probe it), GET /openapi.json (the API description, no data) and ' +
  "GET /auth/jwks.json (the vault's public token keys) are public by design; POST /auth/iam is authorized by API " +
  'Gateway itself (AWS_IAM, SigV4) and mints only for principals the deployer mapped; the REST ANY routes ' +
  'are mock integrations that only answer 405 (or a CORS preflight) and reach no ' +
  "backend; the HTTP API's $default route only answers 404 or 405.";

/** cdk-nag findings on the API that are design decisions, each with its reason. */
function acknowledgeApiFindings(api: RestApi, props: VaultApiProps): void {
  for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4'])
    Validations.of(api).acknowledge({ id, reason: FUNCTION_AUTH_REASON });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG2',
    reason:
      'Every request is validated in its function against the zod schema of its operation, which reports all problems ' +
      'at once in the vault error shape; a gateway validator would duplicate the schema and answer in another shape.',
  });
  if (props.webAclArn === undefined)
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'The deployer chose no web ACL (prop waf: "none"; "managed" creates one, { webAclArn } attaches one): WAF adds ' +
        'a per-request price to an API meant to be cheap per request; stage throttling bounds abuse and every route ' +
        'authenticates.',
    });
  if (props.cloudWatchRole === 'create')
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway uses to write its logs (created only with apiGatewayCloudWatchRole: ' +
        '"create"); the AWS-maintained policy is limited to CloudWatch Logs and is the documented way to enable it.',
    });
  if (props.cloudWatchRole === 'none') {
    const noAccountRole =
      'REST API logging to CloudWatch needs the account-wide API Gateway CloudWatch role, which the vault does not ' +
      'take over by default (apiGatewayCloudWatchRole: "none"); with "existing" or "create" access and execution ' +
      'logs are on. Every function still logs each request (operation, status, caller, trace id), and API metrics ' +
      'and X-Ray traces stay on.';
    for (const id of [
      'AwsSolutions-APIG1',
      'AwsSolutions-APIG6',
      'Serverless-APIGWAccessLogging',
      'Serverless-APIGWStructuredLogging',
    ])
      Validations.of(api).acknowledge({ id, reason: noAccountRole });
  }
}

export interface VaultApiProps {
  routes: ReadonlyArray<{ operation: Operation; function: IFunction }>;
  throttleRate: number;
  throttleBurst: number;
  logRetention: RetentionDays;
  cloudWatchRole: ApiGatewayCloudWatchRole;
  /** Browser origins allowed to call the API (none: no CORS). */
  corsOrigins: readonly string[];
  /** A regional web ACL to associate with the stage. */
  webAclArn?: string;
}

export class VaultApi extends Construct {
  readonly api: RestApi;
  /** Absent with `cloudWatchRole: 'none'`: REST access logs need the account's role. */
  readonly accessLogs: LogGroup | undefined;
  readonly #corsOrigins: readonly string[];

  constructor(scope: Construct, id: string, props: VaultApiProps) {
    super(scope, id);
    this.#corsOrigins = props.corsOrigins;
    const logging = props.cloudWatchRole !== 'none';
    this.accessLogs = logging
      ? new LogGroup(this, 'AccessLogs', {
          retention: props.logRetention,
          removalPolicy: RemovalPolicy.DESTROY,
        })
      : undefined;
    this.api = new RestApi(this, 'Api', {
      description: 'Vault API (PrivX-compatible)',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: props.cloudWatchRole === 'create',
      // Kept when the vault is deleted: the account's setting still points at it for other APIs.
      ...(props.cloudWatchRole === 'create' && { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }),
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: props.throttleRate,
        throttlingBurstLimit: props.throttleBurst,
        metricsEnabled: true,
        tracingEnabled: true,
        // Errors only: INFO-level execution logs would include request bodies, i.e. secrets.
        // Without the account's role, any level fails the deployment: off then.
        loggingLevel: logging ? MethodLoggingLevel.ERROR : MethodLoggingLevel.OFF,
        dataTraceEnabled: false,
        ...(this.accessLogs && {
          accessLogDestination: new LogGroupLogDestination(this.accessLogs),
          accessLogFormat: AccessLogFormat.jsonWithStandardFields({
            caller: false,
            httpMethod: true,
            ip: true,
            protocol: true,
            requestTime: true,
            resourcePath: true,
            responseLength: true,
            status: true,
            user: false,
          }),
        }),
      },
    });

    // A gateway-made error is read by a browser only with the origin allowed; a static header can
    // say so for one origin (gateway responses cannot compare the request's Origin to a list).
    const [onlyOrigin] = props.corsOrigins;
    const corsOnErrors: Record<string, string> =
      props.corsOrigins.length === 1 && onlyOrigin !== undefined
        ? {
            'Access-Control-Allow-Origin': `'${onlyOrigin}'`,
            'Access-Control-Expose-Headers': `'${CORS_EXPOSE_HEADERS.join(',')}'`,
          }
        : {};
    for (const spec of GATEWAY_ERRORS) {
      this.api.addGatewayResponse(`Gateway${spec.type.responseType}`, {
        type: spec.type,
        ...(spec.status && { statusCode: spec.status }),
        responseHeaders: { ...GATEWAY_RESPONSE_HEADERS, ...corsOnErrors, ...spec.headers },
        templates: { 'application/json': errorTemplate(spec.code, spec.message) },
      });
    }

    const methodsByResource = new Map<IResource, string[]>();
    const integrations = new Map<IFunction, LambdaIntegration>();
    for (const { operation, function: handler } of props.routes) {
      const resource = this.api.root.resourceForPath(`${API_BASE}${operation.path}`);
      // One invoke permission per function for this API (any stage, method and path), not one per
      // route plus one for the console's test invocations: two resources fewer per operation.
      const integration =
        integrations.get(handler) ??
        new LambdaIntegration(handler, { proxy: true, scopePermissionToMethod: false });
      integrations.set(handler, integration);
      resource.addMethod(operation.method, integration, {
        operationName: operation.id,
        // IAM login: API Gateway checks the SigV4 signature and hands the function the caller.
        ...(operation.authorization === 'iam' && { authorizationType: AuthorizationType.IAM }),
      });
      methodsByResource.set(resource, [...(methodsByResource.get(resource) ?? []), operation.method]);
    }
    for (const [resource, methods] of methodsByResource) this.#methodNotAllowed(resource, methods);
    this.#pathVersionsNotServed();
    if (props.webAclArn !== undefined)
      new CfnWebACLAssociation(this, 'WebAcl', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: props.webAclArn,
      });
    acknowledgeApiFindings(this.api, props);
  }

  /**
   * `/vault/api/v2/...`: a path version we do not serve says so (404 UNSUPPORTED_VERSION) instead of
   * the missing-route response, whose template is the same for every path (gateway responses are
   * not VTL). A `{version}` resource beside `v1` catches them; its template checks the path again,
   * so a miss under v1 (should the gateway ever route one here) stays ROUTE_NOT_FOUND.
   */
  #pathVersionsNotServed(): void {
    const apiRoot = API_BASE.slice(0, API_BASE.lastIndexOf('/'));
    const version = this.api.root.resourceForPath(apiRoot).addResource('{version}');
    const body =
      `#if($context.path.matches('^(/[^/]+)?${apiRoot}/v[0-9]+(/.*)?$') && ` +
      `!$context.path.matches('^(/[^/]+)?${API_BASE}(/.*)?$'))` +
      errorTemplate(
        'UNSUPPORTED_VERSION',
        `This API version is not served; the API is served under ${API_BASE}`,
      ) +
      `#{else}${errorTemplate('ROUTE_NOT_FOUND', 'No such route')}#end`;
    const headers = {
      'method.response.header.Content-Type': "'application/json'",
      'method.response.header.Cache-Control': "'no-store'",
      'method.response.header.X-Request-Id': 'context.requestId',
    };
    for (const resource of [version, version.addResource('{proxy+}')]) {
      resource.addMethod(
        'ANY',
        new MockIntegration({
          passthroughBehavior: PassthroughBehavior.WHEN_NO_TEMPLATES,
          requestTemplates: { 'application/json': '{"statusCode": 404}' },
          integrationResponses: [
            {
              statusCode: '404',
              responseParameters: headers,
              responseTemplates: { 'application/json': body },
            },
          ],
        }),
        {
          operationName: `pathVersionNotServed${resource.path.replace(/[^A-Za-z0-9]/g, '')}`,
          methodResponses: [
            {
              statusCode: '404',
              responseParameters: Object.fromEntries(Object.keys(headers).map((name) => [name, true])),
            },
          ],
        },
      );
    }
  }

  /**
   * API Gateway would answer a known path with a wrong method like an unknown route; we say 405
   * and what is allowed. With CORS origins, the same mock answers preflights (OPTIONS) with 204.
   */
  #methodNotAllowed(resource: IResource, methods: readonly string[]): void {
    const allow = [...methods].sort().join(', ');
    const cors = this.#corsOrigins.length > 0;
    const preflightHeaders = {
      'method.response.header.Access-Control-Allow-Methods': `'${allow}'`,
      'method.response.header.Access-Control-Allow-Headers': `'${CORS_ALLOW_HEADERS.join(',')}'`,
      'method.response.header.Access-Control-Max-Age': `'${CORS_MAX_AGE.toSeconds()}'`,
      'method.response.header.Vary': "'Origin'",
      'method.response.header.Cache-Control': "'no-store'",
      'method.response.header.X-Request-Id': 'context.requestId',
    };
    const notAllowedHeaders = {
      'method.response.header.Allow': `'${allow}'`,
      'method.response.header.Content-Type': "'application/json'",
      'method.response.header.Cache-Control': "'no-store'",
      'method.response.header.X-Request-Id': 'context.requestId',
    };
    const declared = (headers: Record<string, string>) =>
      Object.fromEntries(Object.keys(headers).map((name) => [name, true]));
    resource.addMethod(
      'ANY',
      new MockIntegration({
        passthroughBehavior: PassthroughBehavior.WHEN_NO_TEMPLATES,
        requestTemplates: {
          'application/json': cors
            ? '#if($context.httpMethod == "OPTIONS"){"statusCode": 204}#else{"statusCode": 405}#end'
            : '{"statusCode": 405}',
        },
        integrationResponses: [
          ...(cors
            ? [
                {
                  selectionPattern: '204',
                  statusCode: '204',
                  responseParameters: preflightHeaders,
                  responseTemplates: { 'application/json': allowOriginTemplate(this.#corsOrigins) },
                },
              ]
            : []),
          {
            statusCode: '405',
            responseParameters: notAllowedHeaders,
            responseTemplates: {
              'application/json':
                (cors ? allowOriginTemplate(this.#corsOrigins) : '') +
                errorTemplate('METHOD_NOT_ALLOWED', `Method not allowed here; allowed: ${allow}`),
            },
          },
        ],
      }),
      {
        operationName: `methodNotAllowed${resource.path.replace(/[^A-Za-z0-9]/g, '')}`,
        methodResponses: [
          ...(cors ? [{ statusCode: '204', responseParameters: declared(preflightHeaders) }] : []),
          { statusCode: '405', responseParameters: declared(notAllowedHeaders) },
        ],
      },
    );
  }
}
