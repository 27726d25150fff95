/**
 * A local KMS key found by its alias, or made and aliased on first start (the local endpoint keeps
 * keys in `kms.json`, so persisted state finds the same key after a restart).
 */
import {
  CreateAliasCommand,
  CreateKeyCommand,
  type CreateKeyCommandInput,
  DescribeKeyCommand,
  type KMSClient,
  NotFoundException,
} from '@aws-sdk/client-kms';

export async function keyByAlias(
  kms: KMSClient,
  alias: string,
  create: CreateKeyCommandInput,
): Promise<string> {
  try {
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: alias }));
    return KeyMetadata!.Arn!;
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
    const { KeyMetadata } = await kms.send(new CreateKeyCommand(create));
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata!.KeyId! }));
    return KeyMetadata!.Arn!;
  }
}
