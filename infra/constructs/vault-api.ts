/**
 * The REST API: one route per operation (generated from the table), an ANY route on every
 * resource answering 405 with `Allow`, gateway-made errors in the vault's shape, stage throttling
 * and JSON access logs.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
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
import { Construct } from 'constructs';
import { API_BASE, type Operation } from '../../shared/operations.ts';
import { errorTemplate, GATEWAY_ERRORS, GATEWAY_RESPONSE_HEADERS } from '../gateway-responses.ts';

/** cdk-nag findings on the API that are design decisions, each with its reason. */
function acknowledgeApiFindings(api: RestApi): void {
  const functionAuth =
    'Authorization is enforced in every function before any handler logic: aws-jwt-verify checks the JWT signature ' +
    'against the issuer JWKS, issuer, audience, expiry (required) and a maximum lifetime, then the operation scopes ' +
    'from the operation table. Doing it in the function keeps one error shape for every failure and works with any ' +
    'OIDC issuer. GET /status (PrivX clients probe it) and GET /openapi.json (the API description, no data) are public ' +
    'by design; the ANY routes are mock integrations that ' +
    'only answer 405 and reach no backend.';
  for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4'])
    Validations.of(api).acknowledge({ id, reason: functionAuth });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG2',
    reason:
      'Every request is validated in its function against the zod schema of its operation, which reports all problems ' +
      'at once in the vault error shape; a gateway validator would duplicate the schema and answer in another shape.',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG3',
    reason:
      'WAF is left to the deployer (it adds a per-request price to an API meant to be cheap per request); stage ' +
      'throttling bounds abuse and every route authenticates. A web ACL can be associated with the stage at any time.',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason:
      'The account-level role API Gateway uses to write its logs; the AWS-maintained policy is limited to CloudWatch ' +
      'Logs and is the documented way to enable API Gateway logging.',
  });
}

export interface VaultApiProps {
  routes: ReadonlyArray<{ operation: Operation; function: IFunction }>;
  throttleRate: number;
  throttleBurst: number;
  logRetention: RetentionDays;
}

export class VaultApi extends Construct {
  readonly api: RestApi;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: VaultApiProps) {
    super(scope, id);
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new RestApi(this, 'Api', {
      description: 'Vault API (PrivX-compatible)',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.DESTROY,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: props.throttleRate,
        throttlingBurstLimit: props.throttleBurst,
        metricsEnabled: true,
        tracingEnabled: true,
        // Errors only: INFO-level execution logs would include request bodies, i.e. secrets.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
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
      },
    });

    for (const spec of GATEWAY_ERRORS) {
      this.api.addGatewayResponse(`Gateway${spec.type.responseType}`, {
        type: spec.type,
        ...(spec.status && { statusCode: spec.status }),
        responseHeaders: { ...GATEWAY_RESPONSE_HEADERS, ...spec.headers },
        templates: { 'application/json': errorTemplate(spec.code, spec.message) },
      });
    }

    const methodsByResource = new Map<IResource, string[]>();
    for (const { operation, function: handler } of props.routes) {
      const resource = this.api.root.resourceForPath(`${API_BASE}${operation.path}`);
      resource.addMethod(operation.method, new LambdaIntegration(handler, { proxy: true }), {
        operationName: operation.id,
      });
      methodsByResource.set(resource, [...(methodsByResource.get(resource) ?? []), operation.method]);
    }
    for (const [resource, methods] of methodsByResource) this.#methodNotAllowed(resource, methods);
    this.#pathVersionsNotServed();
    acknowledgeApiFindings(this.api);
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

  /** API Gateway would answer a known path with a wrong method like an unknown route; we say 405 and what is allowed. */
  #methodNotAllowed(resource: IResource, methods: readonly string[]): void {
    const allow = [...methods].sort().join(', ');
    resource.addMethod(
      'ANY',
      new MockIntegration({
        passthroughBehavior: PassthroughBehavior.WHEN_NO_TEMPLATES,
        requestTemplates: { 'application/json': '{"statusCode": 405}' },
        integrationResponses: [
          {
            statusCode: '405',
            responseParameters: {
              'method.response.header.Allow': `'${allow}'`,
              'method.response.header.Content-Type': "'application/json'",
              'method.response.header.Cache-Control': "'no-store'",
              'method.response.header.X-Request-Id': 'context.requestId',
            },
            responseTemplates: {
              'application/json': errorTemplate(
                'METHOD_NOT_ALLOWED',
                `Method not allowed here; allowed: ${allow}`,
              ),
            },
          },
        ],
      }),
      {
        operationName: `methodNotAllowed${resource.path.replace(/[^A-Za-z0-9]/g, '')}`,
        methodResponses: [
          {
            statusCode: '405',
            responseParameters: {
              'method.response.header.Allow': true,
              'method.response.header.Content-Type': true,
              'method.response.header.Cache-Control': true,
              'method.response.header.X-Request-Id': true,
            },
          },
        ],
      },
    );
  }
}
