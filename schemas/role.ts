/** The `Role` kind (iam.awshooks.dev/v1alpha1): an IAM role for one Kubernetes service account. */
import { Type, type Static } from '@sinclair/typebox';
import { Adopt, DeletionPolicy, KindStatusSchema, ManagedTagKeys, StringMap, Tags } from './common.js';
import { InlinePoliciesSchema } from './policy.js';

/** What to do with the ServiceAccount. */
export const ServiceAccountOptionsSchema = Type.Object(
  {
    manage: Type.Boolean({
      default: true,
      description:
        'Return the ServiceAccount as a child of this Role, annotated eks.amazonaws.com/role-arn. When false, annotate your own ServiceAccount with status.serviceAccountAnnotation.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'The Kubernetes ServiceAccount that assumes this role.' },
);

/** Role spec. */
export const RoleSpecSchema = Type.Object(
  {
    serviceAccountName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 253,
        pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
        description: "The service account (of this Role's namespace) the trust policy admits. Default: the Role's name.",
      }),
    ),
    policies: Type.Optional(
      Type.Array(
        Type.String({
          minLength: 1,
          maxLength: 253,
          description: "Name of a Policy in this Role's namespace.",
          'x-kubernetes-validations': [
            { rule: "!self.contains('/')", message: 'a Role may only use Policies of its own namespace: give the Policy name, not namespace/name' },
          ],
        }),
        { maxItems: 20, description: 'Names of Policy objects in the same namespace to attach. The Role waits (DependencyNotReady) until each is Ready.' },
      ),
    ),
    managedPolicyArns: Type.Optional(
      Type.Array(Type.String({ pattern: '^arn:aws[a-z-]*:iam::(\\d{12}|aws):policy/.+$', maxLength: 2048 }), {
        maxItems: 20,
        description: "ARNs of existing managed policies to attach. Each must match the cluster admin's allow-list (ALLOWED_MANAGED_POLICY_ARNS).",
      }),
    ),
    inlinePolicies: Type.Optional(InlinePoliciesSchema),
    databaseAccess: Type.Optional(
      Type.Array(
        Type.Object(
          {
            dbInstanceRef: Type.String({
              minLength: 1,
              maxLength: 253,
              pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
              description: "Name of a DBInstance of this Role's namespace.",
            }),
            user: Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$', description: 'An iamAuth user of that DBInstance.' }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 20,
          description:
            'IAM database authentication: adds the inline policy awshooks-database-access with rds-db:connect for each DBInstance user (its resource ID read from RDS, owner tags checked).',
        },
      ),
    ),
    maxSessionDuration: Type.Integer({ minimum: 3600, maximum: 43200, default: 3600, description: 'Maximum session duration in seconds, 3600-43200.' }),
    description: Type.Optional(Type.String({ maxLength: 1000, description: 'Description of the IAM role.' })),
    serviceAccount: ServiceAccountOptionsSchema,
    tags: Type.Optional(Tags),
    deletionPolicy: DeletionPolicy,
    adopt: Adopt,
  },
  {
    additionalProperties: false,
    description:
      'An IAM role that one service account of this namespace can assume (IRSA). The trust policy is generated; it is never taken from the user. Named <prefix>-<namespace>-<name> under path /<prefix>/.',
  },
);
export type RoleSpec = Static<typeof RoleSpecSchema>;

/** Role status. */
export const RoleStatusSchema = KindStatusSchema({
  roleArn: Type.Optional(Type.String({ description: 'The role ARN.' })),
  roleName: Type.Optional(Type.String({ description: 'The IAM role name.' })),
  attachedPolicyArns: Type.Optional(
    Type.Array(Type.String(), { description: 'Managed policy ARNs attached to the role (from spec.policies and spec.managedPolicyArns).' }),
  ),
  inlinePolicyNames: Type.Optional(Type.Array(Type.String(), { description: 'Inline policy names on the role.' })),
  inlinePolicyHashes: Type.Optional(
    StringMap(Type.String(), { description: 'Hash of each inline policy document awshooks applied (see the README, Role drift).' }),
  ),
  serviceAccountName: Type.Optional(Type.String({ description: 'The service account the trust policy admits.' })),
  serviceAccountAnnotation: Type.Optional(Type.String({ description: 'The annotation the ServiceAccount needs: eks.amazonaws.com/role-arn: <arn>.' })),
  permissionsBoundaryArn: Type.Optional(Type.String({ description: 'The permissions boundary on the role.' })),
  managedTagKeys: ManagedTagKeys,
});
export type RoleStatus = Static<typeof RoleStatusSchema>;
