/**
 * Resource-based policy documents (an S3 bucket policy, an ECR repository policy): IAM policy
 * documents whose statements name a `Principal`. The identity-based schema of schemas/policy.ts
 * refuses `Principal` (IAM refuses it there), so resource policies get their own statement
 * schema, built from the same pieces.
 *
 * NOTE: `Principal` is `"*"` or an object (`AWS`, `Service`, `Federated`, `CanonicalUser`) of a
 * string or a list of strings. ajv checks exactly that; a structural CRD schema cannot say it,
 * so the node carries `x-awshooks-crd` with a `x-kubernetes-preserve-unknown-fields` node and
 * the hook reports anything else as InvalidSpec.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './common.js';
import { ConditionBlock, StringOrList } from './policy.js';

const PRINCIPAL_DESCRIPTION =
  'Who the statement applies to: "*" (anyone), or an object with AWS (account IDs, role or user ARNs), Service (for example cloudfront.amazonaws.com), Federated or CanonicalUser, each a string or a list of strings.';

/** `Principal` / `NotPrincipal`: "*" or a map of principal type to string(s). */
export function PrincipalSchema(description: string) {
  const list = {
    anyOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', minItems: 1, maxItems: 200, items: { type: 'string', minLength: 1 } },
    ],
  };
  return Type.Unsafe<string | Record<string, string | string[]>>({
    anyOf: [
      { type: 'string', enum: ['*'] },
      {
        type: 'object',
        minProperties: 1,
        additionalProperties: false,
        properties: { AWS: list, Service: list, Federated: list, CanonicalUser: list },
      },
    ],
    description,
    'x-awshooks-crd': { description, 'x-kubernetes-preserve-unknown-fields': true },
  });
}

/** One statement of a resource-based policy. */
export const ResourceStatementSchema = Type.Object(
  {
    Sid: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]*$', maxLength: 128, description: 'Statement ID: letters, digits, - and _.' })),
    Effect: StringEnum(['Allow', 'Deny'] as const, { description: 'Allow or Deny.' }),
    Principal: Type.Optional(PrincipalSchema(PRINCIPAL_DESCRIPTION)),
    NotPrincipal: Type.Optional(PrincipalSchema(`Everyone except these. ${PRINCIPAL_DESCRIPTION}`)),
    Action: Type.Optional(StringOrList('Actions, for example s3:GetObject or ecr:BatchGetImage.')),
    NotAction: Type.Optional(StringOrList('Every action except these.')),
    Resource: Type.Optional(StringOrList('Resource ARNs (wildcards allowed).')),
    NotResource: Type.Optional(StringOrList('Every resource except these.')),
    Condition: Type.Optional(ConditionBlock),
  },
  {
    additionalProperties: false,
    // NOTE: no CEL rules here: Principal, Action and Resource are untyped in the CRD (a string or
    // a list), and the API server refuses rules on fields CEL cannot see. The hook checks them.
    description: 'A resource policy statement. Exactly one of Principal and NotPrincipal, and exactly one of Action and NotAction.',
  },
);
/** One resource policy statement. */
export type ResourceStatement = Static<typeof ResourceStatementSchema>;

/** A resource-based policy document, as a structured object. */
export function ResourcePolicyDocumentSchema(description: string) {
  return Type.Object(
    {
      Version: StringEnum(['2012-10-17', '2008-10-17'] as const, { default: '2012-10-17', description: 'Policy language version. Default 2012-10-17.' }),
      Id: Type.Optional(Type.String({ maxLength: 128, description: 'Optional policy identifier.' })),
      Statement: Type.Array(ResourceStatementSchema, { minItems: 1, maxItems: 100, description: 'The statements.' }),
    },
    { additionalProperties: false, description },
  );
}

/** The document type every resource policy schema produces. */
export interface ResourcePolicyDocument {
  Version: '2012-10-17' | '2008-10-17';
  Id?: string;
  Statement: ResourceStatement[];
}
