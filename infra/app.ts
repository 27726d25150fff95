/**
 * The CDK app (`npx cdk synth|deploy`). Environment-agnostic unless the deployer sets
 * `-c account=… -c region=…`; cdk-nag's AwsSolutions and Serverless packs run on every synth and
 * fail it on any unacknowledged finding.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { settingsFrom } from './settings.ts';
import { VaultStack } from './vault-stack.ts';

const app = new App();
const account = app.node.tryGetContext('account') as string | undefined;
const region = app.node.tryGetContext('region') as string | undefined;
new VaultStack(app, (app.node.tryGetContext('stackName') as string | undefined) ?? 'Vault', {
  settings: settingsFrom(app.node),
  ...(account || region ? { env: { account, region } } : {}),
  description: 'Serverless vault: PrivX-compatible secrets API on API Gateway, Lambda, DynamoDB and KMS',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
