/**
 * The HTTP API (`apiType: 'http'`): $1.00 per million requests against the REST API's $3.50. One
 * route per operation (generated from the table), each into its function with the REST proxy event
 * shape (payload format 1.0), so the same handlers serve both; a `$default` route into a function
 * that answers unknown routes and methods in the vault's error shape; stage throttling and JSON
 * access logs (HTTP APIs log through a service-linked role: no account-wide setting involved).
 *
 * No token authorizer: as on the REST API, every function verifies the token itself, so every
 * 401 and 403 keeps the vault's shape (an HTTP API authorizer answers `{"message":"Unauthorized"}`
 * and HTTP APIs have no gateway responses to reshape it). The one exception is the IAM login
 * route, which only the gateway can authorize (AWS_IAM, SigV4): its signature refusals come as
 * the HTTP API's own `{"message": …}`.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_BASE, type Operation } from '../../shared/operations.ts';
import { FUNCTION_AUTH_REASON } from './vault-api.ts';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE } from './vault-cors.ts';

export interface VaultHttpApiProps {
  routes: ReadonlyArray<{ operation: Operation; function: IFunction }>;
  /** Answers every request no route matches (lambdas/route-not-found). */
  notFound: IFunction;
  throttleRate: number;
  throttleBurst: number;
  logRetention: RetentionDays;
  /** Browser origins allowed to call the API (none: no CORS). */
  corsOrigins: readonly string[];
}

/** The fields of one access-log line: who asked what, the outcome, never a body or a token. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
});

export class VaultHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: VaultHttpApiProps) {
    super(scope, id);
    // Payload 1.0: the REST proxy event the handlers (and the local server) speak. One permission
    // per function for this API, not one per route.
    const integrate = (name: string, fn: IFunction) =>
      new HttpLambdaIntegration(name, fn, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_1_0,
        scopePermissionToRoute: false,
      });
    const cors = props.corsOrigins.length > 0;
    this.api = new HttpApi(this, 'Api', {
      description: 'Vault API (PrivX-compatible), HTTP API',
      createDefaultStage: false,
      defaultIntegration: integrate('RouteNotFound', props.notFound),
      ...(cors && {
        // API Gateway answers preflights itself and adds these headers to every response.
        corsPreflight: {
          allowOrigins: [...props.corsOrigins],
          // The methods the routes use, from the operation table (PATCH included).
          allowMethods: [...new Set(props.routes.map(({ operation }) => CorsHttpMethod[operation.method]))],
          allowHeaders: CORS_ALLOW_HEADERS,
          exposeHeaders: CORS_EXPOSE_HEADERS,
          maxAge: CORS_MAX_AGE,
        },
      }),
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRate, burstLimit: props.throttleBurst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
    const integrations = new Map<IFunction, HttpLambdaIntegration>();
    for (const { operation, function: handler } of props.routes) {
      const integration = integrations.get(handler) ?? integrate(operation.id, handler);
      integrations.set(handler, integration);
      this.api.addRoutes({
        path: `${API_BASE}${operation.path}`,
        methods: [HttpMethod[operation.method]],
        integration,
        // IAM login: the gateway checks the SigV4 signature (its refusals are the HTTP API's own
        // `{"message": …}`: HTTP APIs cannot reshape them).
        ...(operation.authorization === 'iam' && { authorizer: new HttpIamAuthorizer() }),
      });
    }
    Validations.of(this.api).acknowledge({ id: 'AwsSolutions-APIG4', reason: FUNCTION_AUTH_REASON });
  }

  /** The API's base URL (the `$default` stage has no path of its own). */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
