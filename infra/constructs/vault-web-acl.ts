/**
 * A regional WAF web ACL of AWS managed rule groups for the REST API (`waf: 'managed'`): IP
 * reputation, the core rule set and known bad inputs. Rules that inspect the request body only
 * count: a secret's value is arbitrary data (a script tag, a path, a metadata URL, a serialized
 * Java object) and must be storable. Sampled requests are off: they would keep bearer tokens.
 */
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Body-inspecting rules, counted instead of blocking (see above); a machine client may send no User-Agent. */
const COUNT_ONLY: Record<string, string[]> = {
  AWSManagedRulesCommonRuleSet: [
    'SizeRestrictions_BODY',
    'CrossSiteScripting_BODY',
    'GenericLFI_BODY',
    'GenericRFI_BODY',
    'EC2MetaDataSSRF_BODY',
    'NoUserAgent_HEADER',
  ],
  AWSManagedRulesKnownBadInputsRuleSet: ['JavaDeserializationRCE_BODY', 'Log4JRCE_BODY'],
  AWSManagedRulesAmazonIpReputationList: [],
};

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  // Sampled requests show their headers in the console, Authorization (a bearer token) included.
  sampledRequestsEnabled: false,
});

export class VaultWebAcl extends Construct {
  readonly acl: CfnWebACL;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.acl = new CfnWebACL(this, 'Acl', {
      // WAF's pattern allows no parentheses or semicolons.
      description: 'Vault API - AWS managed rules, body rules count only as secret values are arbitrary data',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('vault-api'),
      rules: Object.entries(COUNT_ONLY).map(([name, counted], priority) => ({
        name,
        priority,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name,
            ...(counted.length > 0 && {
              ruleActionOverrides: counted.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
            }),
          },
        },
        visibilityConfig: visibility(name),
      })),
    });
  }

  get arn(): string {
    return this.acl.attrArn;
  }
}
