/**
 * Schema building blocks shared by every kind. Everything here is plain JSON Schema built
 * with TypeBox, so that one definition gives ajv validation, TypeScript types and the CRD's
 * structural openAPIV3Schema (DESIGN.md §4 "one schema, everything derived").
 *
 * Only structural-schema-friendly constructs are used (no anyOf of types, maps as
 * `additionalProperties`), so the CRD generator can copy them as they are. Where ajv needs
 * more than a CRD can say, a node carries `x-awshooks-crd` with the schema the CRD gets.
 */
import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox';

/** A string enum as `{type: string, enum}` (TypeBox's Union of literals is not structural). */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** A map with string keys, as `additionalProperties` (structural, unlike patternProperties). */
export function StringMap<T extends TSchema>(value: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value, ...options });
}

/** A free-form JSON object (kept as is by the API server). */
export function FreeObject(options: Record<string, unknown> = {}) {
  return Type.Unsafe<Record<string, unknown>>({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, ...options });
}

/** AWS regions: lower-case letters, digits and dashes (us-east-1, eu-west-3, us-gov-west-1). Immutable: see {@link immutableFields}. */
export const Region = Type.String({
  pattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
  description: 'AWS region of the resource, for example eu-west-1. Immutable.',
});

/** A CEL validation rule of a CRD (`x-kubernetes-validations` item). */
export interface CelRule {
  rule: string;
  message: string;
  /** Where the API server reports the error, relative to the node holding the rule (`.queueName`). */
  fieldPath?: string;
}

/**
 * CEL rules for the spec that make fields immutable: after creation a field can be neither changed,
 * nor set when it was absent, nor removed. NOTE: a rule on the field itself (`self == oldSelf`) only
 * runs when the field exists in both the old and the new object, so it misses an optional field
 * being added or removed (adding `queueName` to a Queue would rename it in AWS and orphan the
 * original); this rule sits on the spec and compares presence too.
 */
export function immutableFields(fields: Record<string, string>): CelRule[] {
  return Object.entries(fields).map(([field, message]) => ({
    rule: `has(self.${field}) == has(oldSelf.${field}) && (!has(self.${field}) || self.${field} == oldSelf.${field})`,
    message,
    fieldPath: `.${field}`,
  }));
}

/** User tags, applied to the AWS resource. Keys under awshooks.dev/ are reserved. */
export const Tags = StringMap(Type.String({ maxLength: 256 }), {
  description: 'Tags to set on the AWS resource. Keys starting with awshooks.dev/ are reserved for owner tags. Tags set outside awshooks are left alone.',
  maxProperties: 40,
});

/** Whether the service may take over an existing AWS resource without owner tags. */
export const Adopt = Type.Boolean({
  default: false,
  description:
    'Take over an existing AWS resource of the same name that has no awshooks owner tags. Never takes over a resource whose tags name another owner.',
});

/** deletionPolicy for kinds that can only be deleted or kept. */
export const DeletionPolicy = StringEnum(['Delete', 'Retain'] as const, {
  default: 'Delete',
  description: 'What happens to the AWS resource when this object is deleted: Delete removes it, Retain leaves it in place.',
});

/** A metav1.Condition. */
export const ConditionSchema = Type.Object({
  type: Type.String({ description: 'Ready: the resource is usable. Synced: AWS matches the spec.' }),
  status: StringEnum(['True', 'False', 'Unknown'] as const),
  reason: Type.String({ description: 'A CamelCase reason: Available, InvalidSpec, Conflict, DependencyNotReady, an AWS error code or status.' }),
  message: Type.String(),
  lastTransitionTime: Type.String({ format: 'date-time' }),
  observedGeneration: Type.Optional(Type.Integer()),
});

/** Status fields every kind has. */
export const BaseStatusProperties = {
  conditions: Type.Optional(
    Type.Array(ConditionSchema, {
      description: 'Ready and Synced, each with a reason and message.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    }),
  ),
  observedGeneration: Type.Optional(Type.Integer({ description: 'The metadata.generation this status describes.' })),
  inputHash: Type.Optional(Type.String({ description: 'Hash of the inputs the last successful sync converged on.' })),
};

/** The user tag keys awshooks applied, kept in status: only these are ever removed. */
export const ManagedTagKeys = Type.Optional(Type.Array(Type.String(), { description: 'User tag keys awshooks applied; only these are ever removed.' }));

/**
 * A kind's status schema: the fields every kind has ({@link BaseStatusProperties}), then the
 * kind's own. Unknown fields are kept: status is written by Metacontroller from our answer.
 */
export function KindStatusSchema<P extends TProperties>(properties: P) {
  return Type.Object({ ...BaseStatusProperties, ...properties }, { additionalProperties: true });
}
