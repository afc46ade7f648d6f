import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamDir, configMap, example } from '../../../helpers/manifests.js';

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

const readPolicy = (name: string): PolicyDocument => JSON.parse(readFileSync(join(iamDir, name), 'utf8')) as PolicyDocument;

t.test('IAM controller policy is least privilege', async (t) => {
  const policy = readPolicy('awshooks-controller-policy.json');
  const raw = readFileSync(join(iamDir, 'awshooks-controller-policy.json'), 'utf8');
  t.equal(policy.Version, '2012-10-17', 'policy language version 2012-10-17');
  t.ok(raw.replace(/\s/g, '').length <= 6144, 'fits the 6,144-character limit of a managed policy');
  const sids = policy.Statement.map((s) => s.Sid);
  t.equal(new Set(sids).size, sids.length, 'statement ids are unique');
  const prefix = configMap.data.NAME_PREFIX!;
  const boundary = example.config.PERMISSIONS_BOUNDARY_ARN!;
  const allows = policy.Statement.filter((s) => s.Effect === 'Allow');

  // The actions the service calls, each allowed by some statement.
  const required = [
    ...['CreateQueue', 'GetQueueUrl', 'GetQueueAttributes', 'SetQueueAttributes', 'DeleteQueue', 'TagQueue', 'UntagQueue', 'ListQueueTags'].map(
      (a) => `sqs:${a}`,
    ),
    ...[
      'CreatePolicy',
      'GetPolicy',
      'GetPolicyVersion',
      'ListPolicyVersions',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'SetDefaultPolicyVersion',
      'DeletePolicy',
      'TagPolicy',
      'UntagPolicy',
      'ListPolicyTags',
      'ListEntitiesForPolicy',
    ].map((a) => `iam:${a}`),
    ...[
      'CreateRole',
      'PutRolePermissionsBoundary',
      'GetRole',
      'UpdateRole',
      'UpdateAssumeRolePolicy',
      'DeleteRole',
      'TagRole',
      'UntagRole',
      'ListRoleTags',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'ListAttachedRolePolicies',
      'PutRolePolicy',
      'GetRolePolicy',
      'DeleteRolePolicy',
      'ListRolePolicies',
      'ListInstanceProfilesForRole',
      'RemoveRoleFromInstanceProfile',
    ].map((a) => `iam:${a}`),
    'sts:GetCallerIdentity',
    ...[
      'CreateDBInstance',
      'RestoreDBInstanceFromDBSnapshot',
      'RestoreDBInstanceToPointInTime',
      'DescribeDBInstances',
      'ModifyDBInstance',
      'DeleteDBInstance',
      'AddTagsToResource',
      'RemoveTagsFromResource',
      'ListTagsForResource',
      'CreateDBSnapshot',
      'DescribeDBSnapshots',
      'DescribeEvents',
      'DeleteDBSnapshot',
    ].map((a) => `rds:${a}`),
    ...[
      'CreateTopic',
      'GetTopicAttributes',
      'SetTopicAttributes',
      'DeleteTopic',
      'TagResource',
      'UntagResource',
      'ListTagsForResource',
      'ListSubscriptionsByTopic',
      'Subscribe',
      'GetSubscriptionAttributes',
      'SetSubscriptionAttributes',
      'Unsubscribe',
    ].map((a) => `sns:${a}`),
    'kms:CreateGrant',
    'kms:DescribeKey',
    ...[
      'CreateTable',
      'DescribeTable',
      'UpdateTable',
      'DeleteTable',
      'TagResource',
      'UntagResource',
      'ListTagsOfResource',
      'DescribeTimeToLive',
      'UpdateTimeToLive',
      'DescribeContinuousBackups',
      'UpdateContinuousBackups',
    ].map((a) => `dynamodb:${a}`),
    ...[
      'CreateBucket',
      'DeleteBucket',
      'GetBucketTagging',
      'PutBucketTagging',
      'TagResource',
      'GetBucketVersioning',
      'PutBucketVersioning',
      'GetEncryptionConfiguration',
      'PutEncryptionConfiguration',
      'GetBucketPublicAccessBlock',
      'PutBucketPublicAccessBlock',
      'GetLifecycleConfiguration',
      'PutLifecycleConfiguration',
      'GetBucketPolicy',
      'PutBucketPolicy',
      'DeleteBucketPolicy',
      'ListBucketVersions',
    ].map((a) => `s3:${a}`),
    ...[
      'CreateRepository',
      'DescribeRepositories',
      'DeleteRepository',
      'TagResource',
      'UntagResource',
      'ListTagsForResource',
      'PutImageTagMutability',
      'PutImageScanningConfiguration',
      'PutLifecyclePolicy',
      'GetLifecyclePolicy',
      'DeleteLifecyclePolicy',
      'SetRepositoryPolicy',
      'GetRepositoryPolicy',
      'DeleteRepositoryPolicy',
      'ListImages',
    ].map((a) => `ecr:${a}`),
    'kms:RetireGrant',
  ];
  const allowed = new Set(allows.flatMap((s) => list(s.Action)));
  t.same(
    required.filter((a) => !allowed.has(a)),
    [],
    'every action the service calls is allowed',
  );
  t.same(
    [...allowed].filter((a) => !required.includes(a)),
    [],
    'nothing else is allowed',
  );
  t.notOk(
    [...allowed].some((a) => a.includes('*')),
    'no wildcard actions',
  );
  t.notOk(allowed.has('iam:PassRole'), 'no iam:PassRole');

  // The boundary condition: on every statement that can create a role or set its boundary, with the configured ARN,
  // and only on actions that support the key (elsewhere it would silently never match).
  const SUPPORTS_BOUNDARY_KEY = new Set([
    'iam:CreateRole',
    'iam:PutRolePermissionsBoundary',
    'iam:AttachRolePolicy',
    'iam:DetachRolePolicy',
    'iam:PutRolePolicy',
    'iam:DeleteRolePolicy',
    'iam:DeleteRolePermissionsBoundary',
  ]);
  const boundaryOf = (s: Statement): string | string[] | undefined => s.Condition?.StringEquals?.['iam:PermissionsBoundary'];
  const creating = allows.filter((s) => list(s.Action).some((a) => a === 'iam:CreateRole' || a === 'iam:PutRolePermissionsBoundary'));
  t.ok(creating.length > 0, 'some statement allows CreateRole / PutRolePermissionsBoundary');
  for (const s of creating) {
    t.equal(boundaryOf(s), boundary, `${s.Sid}: requires iam:PermissionsBoundary = PERMISSIONS_BOUNDARY_ARN`);
  }
  for (const a of ['iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy']) {
    const granting = allows.filter((s) => list(s.Action).includes(a));
    t.ok(granting.length > 0 && granting.every((s) => boundaryOf(s) === boundary), `${a} only on roles with the boundary`);
  }
  for (const s of policy.Statement.filter((s) => JSON.stringify(s.Condition ?? {}).includes('iam:PermissionsBoundary'))) {
    t.same(
      list(s.Action).filter((a) => !SUPPORTS_BOUNDARY_KEY.has(a)),
      [],
      `${s.Sid}: the boundary condition is only on actions that support it`,
    );
  }
  t.ok(
    policy.Statement.some((s) => s.Effect === 'Deny' && list(s.Action).includes('iam:DeleteRolePermissionsBoundary') && list(s.Resource).includes('*')),
    'iam:DeleteRolePermissionsBoundary is denied everywhere',
  );
  t.ok(
    policy.Statement.some((s) => s.Effect === 'Deny' && list(s.Resource).includes(boundary) && list(s.Action).includes('iam:CreatePolicyVersion')),
    'the boundary policy itself cannot be rewritten',
  );
  t.ok(
    policy.Statement.some((s) => s.Effect === 'Deny' && list(s.Action).includes('s3:DeleteObject') && list(s.Action).includes('s3:DeleteObjectVersion')),
    'S3 objects can never be deleted by awshooks',
  );

  // Resources: no `*` for SQS/SNS/IAM/RDS except read-only calls; everything else scoped to the prefix.
  const READ_ONLY_ON_STAR = new Set(['rds:DescribeDBInstances', 'rds:DescribeDBSnapshots', 'rds:DescribeEvents', 'sts:GetCallerIdentity']);
  const RDS_GROUP_USERS = new Set([
    'rds:CreateDBInstance',
    'rds:ModifyDBInstance',
    'rds:RestoreDBInstanceFromDBSnapshot',
    'rds:RestoreDBInstanceToPointInTime',
  ]);
  const RDS_SHARED_GROUPS = new Set(['arn:aws:rds:*:*:subgrp:*', 'arn:aws:rds:*:*:pg:*', 'arn:aws:rds:*:*:og:*', 'arn:aws:rds:*:*:secgrp:*']);
  for (const s of allows) {
    const actions = list(s.Action);
    const resources = list(s.Resource);
    const services = new Set(actions.map((a) => a.split(':')[0]));
    if (resources.includes('*')) {
      if (services.has('kms')) {
        t.ok(
          actions.every((a) => a.startsWith('kms:')) && s.Condition?.StringLike?.['kms:ViaService'] !== undefined,
          `${s.Sid}: KMS on * only through kms:ViaService`,
        );
        const via = list(s.Condition?.StringLike?.['kms:ViaService'] ?? []);
        t.ok(
          via.length > 0 && via.every((v) => ['rds.*.amazonaws.com', 'sqs.*.amazonaws.com', 'dynamodb.*.amazonaws.com', 'ecr.*.amazonaws.com'].includes(v)),
          `${s.Sid}: ...and only RDS, SQS, DynamoDB and ECR`,
        );
      } else {
        t.same(
          actions.filter((a) => !READ_ONLY_ON_STAR.has(a)),
          [],
          `${s.Sid}: only read-only calls on Resource *`,
        );
      }
      continue;
    }
    for (const r of resources) {
      const scoped =
        r.endsWith(`:${prefix}-*`) ||
        r.endsWith(`/${prefix}/*`) ||
        r.endsWith(`:table/${prefix}-*`) ||
        (RDS_SHARED_GROUPS.has(r) && actions.every((a) => RDS_GROUP_USERS.has(a)));
      t.ok(scoped, `${s.Sid}: ${r} is limited to the "${prefix}" prefix (or a group CreateDBInstance/ModifyDBInstance names)`);
      t.notOk(/^arn:aws:(sqs|sns|iam|rds|dynamodb):[^:]*:[^:]*:(table\/)?\*$/.test(r), `${s.Sid}: ${r} is not a whole-service wildcard`);
    }
  }
});
