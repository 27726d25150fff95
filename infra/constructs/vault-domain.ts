/**
 * A custom domain for the vault's API: a regional API Gateway domain name (TLS 1.2), the API's
 * stage mapped at a base path (or the domain's root), and, given a hosted zone, the alias record
 * (and, without a certificate, a DNS-validated one).
 */

import {
  EndpointType,
  type RestApi,
  DomainName as RestDomainName,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  type HttpApi,
  DomainName as HttpDomainName,
  type IHttpStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ARecord, type IHostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayDomain, ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';

export interface VaultDomainOptions {
  /** e.g. `vault.example.com`. */
  domainName: string;
  /** A certificate for `domainName` in the stack's Region; default: one validated through `hostedZone`. */
  certificate?: ICertificate;
  /** Where the alias record goes (and the certificate's validation, if the vault makes it). */
  hostedZone?: IHostedZone;
  /** The API under `https://<domainName>/<basePath>/vault/api/v1` (may have several levels); default: the root. */
  basePath?: string;
}

export interface VaultDomainProps {
  options: VaultDomainOptions;
  api: { rest: RestApi } | { http: HttpApi; stage: IHttpStage };
}

export class VaultDomain extends Construct {
  /** `https://<domainName>[/<basePath>]`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: VaultDomainProps) {
    super(scope, id);
    const { domainName, hostedZone, basePath } = props.options;
    if (basePath !== undefined && !/^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(basePath))
      throw new Error(`domain.basePath "${basePath}" must be path segments without leading or trailing "/"`);
    if (!props.options.certificate && !hostedZone)
      throw new Error('domain needs a certificate, or a hostedZone to validate one in');
    const certificate =
      props.options.certificate ??
      new Certificate(this, 'Certificate', {
        domainName,
        validation: CertificateValidation.fromDns(hostedZone),
      });
    let target: RecordTarget;
    if ('rest' in props.api) {
      const domain = new RestDomainName(this, 'Name', {
        domainName,
        certificate,
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      // An API mapping (not a base path mapping): a base path may have several levels.
      domain.addApiMapping(props.api.rest.deploymentStage, basePath === undefined ? {} : { basePath });
      target = RecordTarget.fromAlias(new ApiGatewayDomain(domain));
    } else {
      const domain = new HttpDomainName(this, 'Name', { domainName, certificate });
      new ApiMapping(this, 'Mapping', {
        api: props.api.http,
        domainName: domain,
        stage: props.api.stage,
        ...(basePath !== undefined && { apiMappingKey: basePath }),
      });
      target = RecordTarget.fromAlias(
        new ApiGatewayv2DomainProperties(domain.regionalDomainName, domain.regionalHostedZoneId),
      );
    }
    if (hostedZone) new ARecord(this, 'Alias', { zone: hostedZone, recordName: domainName, target });
    this.url = `https://${domainName}${basePath === undefined ? '' : `/${basePath}`}`;
  }
}
