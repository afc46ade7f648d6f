/**
 * The AWS account ID and partition, needed to build a policy ARN before the policy exists.
 * From configuration (AWS_ACCOUNT_ID), else one sts:GetCallerIdentity per process, cached:
 * later syncs never pay for it again (DESIGN.md §3.6).
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { KindContext } from '../core/kind.js';
import { configuredPartition, partitionOfArn } from './names.js';

/** Who we are in AWS. */
export interface AccountInfo {
  accountId: string;
  partition: string;
}

/** Process-wide cache of the caller identity (one entry: a process has one set of credentials). */
let cached: Promise<AccountInfo> | undefined;

/** The account ID and partition; costs at most one STS call per process. */
export function accountInfo(ctx: Pick<KindContext, 'config' | 'aws'>): Promise<AccountInfo> {
  const { config } = ctx;
  if (config.accountId) return Promise.resolve({ accountId: config.accountId, partition: configuredPartition(config) });
  if (!cached) {
    const attempt = ctx.aws
      .sts(config.defaultRegion)
      .send(new GetCallerIdentityCommand({}))
      .then((out) => {
        if (!out.Account) throw new Error('sts:GetCallerIdentity returned no Account');
        return { accountId: out.Account, partition: partitionOfArn(out.Arn) ?? configuredPartition(config) };
      });
    cached = attempt;
    // A failed lookup (throttling, network) must not be cached: the next sync tries again.
    attempt.catch(() => {
      if (cached === attempt) cached = undefined;
    });
  }
  return cached;
}

/** Forget the cached identity (tests). */
export function resetAccountCache(): void {
  cached = undefined;
}
