/**
 * The `Policy` kind (iam.awshooks.dev/v1alpha1): spec and status schemas, and the IAM policy
 * document schema that Roles' inline policies use too.
 *
 * NOTE: IAM lets `Action`/`Resource` (and their `Not` forms) be a string or a list of strings.
 * ajv checks exactly that (an anyOf of types); a structural CRD schema cannot say it, so those
 * nodes carry `x-awshooks-crd` with an untyped `x-kubernetes-preserve-unknown-fields` node
 * (allowed by the structural rules) and the hook reports anything else as InvalidSpec. Untyped
 * nodes are invisible to CEL, so rules about them are OpenAPI junctors (`x-awshooks-crd-extra`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Adopt, DeletionPolicy, KindStatusSchema, ManagedTagKeys, StringEnum, StringMap, Tags, immutableFields } from './common.js';

/** A string, or a non-empty list of strings (IAM's `Action`, `Resource`, ...). */
export function StringOrList(description: string) {
  return Type.Unsafe<string | string[]>({
    anyOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', minItems: 1, maxItems: 200, items: { type: 'string', minLength: 1 } },
    ],
    description,
    'x-awshooks-crd': { description: `${description} A string or a list of strings.`, 'x-kubernetes-preserve-unknown-fields': true },
  });
}

/** A condition value: a string, number or boolean, or a list of them. */
const ConditionValue = {
  anyOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'array', minItems: 1, items: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
  ],
};

/** `Condition`: operator → condition key → value(s). */
export const ConditionBlock = Type.Unsafe<Record<string, Record<string, unknown>>>({
  type: 'object',
  additionalProperties: { type: 'object', additionalProperties: ConditionValue },
  description: 'IAM condition block: operator (StringEquals, ArnLike, Bool, ...) → condition key → value or list of values.',
  'x-awshooks-crd': {
    type: 'object',
    description: 'IAM condition block: operator (StringEquals, ArnLike, Bool, ...) → condition key → value or list of values.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
});

/** One statement of an identity-based policy (no Principal: IAM refuses it there). */
export const StatementSchema = Type.Object(
  {
    Sid: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]*$', maxLength: 128, description: 'Statement ID: letters and digits.' })),
    Effect: StringEnum(['Allow', 'Deny'] as const, { description: 'Allow or Deny.' }),
    Action: Type.Optional(StringOrList('Actions, for example s3:GetObject or s3:*.')),
    NotAction: Type.Optional(StringOrList('Every action except these.')),
    Resource: Type.Optional(StringOrList('Resource ARNs (wildcards allowed).')),
    NotResource: Type.Optional(StringOrList('Every resource except these.')),
    Condition: Type.Optional(ConditionBlock),
  },
  {
    additionalProperties: false,
    description: 'An IAM policy statement. Exactly one of Action and NotAction, and exactly one of Resource and NotResource.',
    // NOTE: a CEL rule (`has(self.Action) != has(self.NotAction)`) cannot check this: CEL only sees
    // typed fields, and Action/Resource can only be untyped in a structural schema (a string or a
    // list), so the API server refuses the CRD ("undefined field 'Action'"). OpenAPI junctors made
    // of `required` alone are structural and need no types: the API server checks these. The hook
    // checks the same with clearer messages (hooks/iam-common/documents.ts).
    'x-awshooks-crd-extra': {
      allOf: [{ oneOf: [{ required: ['Action'] }, { required: ['NotAction'] }] }, { oneOf: [{ required: ['Resource'] }, { required: ['NotResource'] }] }],
    },
  },
);
export type Statement = Static<typeof StatementSchema>;

/** An identity-based IAM policy document, as a structured object. */
export const PolicyDocumentSchema = Type.Object(
  {
    Version: StringEnum(['2012-10-17', '2008-10-17'] as const, {
      default: '2012-10-17',
      description: 'Policy language version. Default 2012-10-17 (needed for policy variables).',
    }),
    Id: Type.Optional(Type.String({ maxLength: 128, description: 'Optional policy identifier.' })),
    Statement: Type.Array(StatementSchema, { minItems: 1, maxItems: 100, description: 'The statements.' }),
  },
  {
    additionalProperties: false,
    description:
      'An IAM policy document (identity-based: no Principal). Compared by meaning: statement order, a one-element list vs a string and key order do not count.',
  },
);
export type PolicyDocument = Static<typeof PolicyDocumentSchema>;

/** Policy spec. */
export const PolicySpecSchema = Type.Object(
  {
    document: PolicyDocumentSchema,
    description: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'Description of the IAM policy. Immutable: IAM cannot set, change or remove a policy description after creation.',
      }),
    ),
    tags: Type.Optional(Tags),
    deletionPolicy: DeletionPolicy,
    adopt: Adopt,
  },
  { additionalProperties: false, description: 'A customer-managed IAM policy, named <prefix>-<namespace>-<name> under path /<prefix>/.' },
);
export type PolicySpec = Static<typeof PolicySpecSchema>;

/** CEL rules on the whole Policy spec. */
export const POLICY_SPEC_VALIDATIONS = immutableFields({
  description: 'description is immutable (IAM cannot set, change or remove a policy description)',
});

/** Policy status. */
export const PolicyStatusSchema = KindStatusSchema({
  arn: Type.Optional(Type.String({ description: 'The policy ARN: give it to Roles (spec.policies does it for you).' })),
  policyName: Type.Optional(Type.String({ description: 'The IAM policy name.' })),
  path: Type.Optional(Type.String({ description: 'The IAM path, /<prefix>/.' })),
  defaultVersionId: Type.Optional(Type.String({ description: 'The default (effective) version, for example v3.' })),
  attachmentCount: Type.Optional(Type.Integer({ description: 'Roles, users and groups the policy is attached to (refreshed at each drift check).' })),
  managedTagKeys: ManagedTagKeys,
});
export type PolicyStatus = Static<typeof PolicyStatusSchema>;

/** Inline policies of a Role: policy name → document. */
export const InlinePoliciesSchema = StringMap(PolicyDocumentSchema, {
  description: 'Inline policies: name (1-128 of letters, digits and +=,.@_-) → policy document.',
  maxProperties: 20,
});
