/**
 * Reading the parent's previous status. Status is written by whoever may write the status
 * subresource, or was left by an older version of awshooks: it is checked against the kind's
 * status schema before any step reads it. A status that does not match is treated as no status
 * (the next answer rebuilds it), and a condition says so (DESIGN.md §3.5).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import type { ConditionInput } from './conditions.js';
import type { AnyKind } from './kind.js';
import { formatErrors } from './spec-validation.js';
import type { BaseStatus } from './types.js';

/** Type of the condition that says the previous status could not be read. */
export const STATUS_READABLE = 'StatusReadable';

// NOTE: ajv-formats is a CommonJS module; under ESM its default export may be wrapped.
const addFormats = ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin) as unknown as (
  ajv: Ajv,
  formats: string[],
) => Ajv;

/**
 * Status is only read here: no defaults, no coercion. Formats are checked (date-time): the API
 * server refuses a status whose lastTransitionTime is not a date, so keeping one would make every
 * later status write fail.
 */
const ajv = new Ajv({ allErrors: false, useDefaults: false, coerceTypes: false, strict: false });
addFormats(ajv, ['date-time']);
for (const keyword of [
  'x-kubernetes-validations',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-list-map-keys',
  'x-awshooks-crd',
]) {
  ajv.addKeyword(keyword);
}
const cache = new WeakMap<TSchema, ValidateFunction>();

/** The previous status, when it can be read; otherwise why not. */
export interface ReadStatus {
  /** The status, or undefined for none (absent, empty or unreadable). */
  status?: BaseStatus;
  /** Why the status was not readable, naming the field. */
  problem?: string;
}

/**
 * The previous status if it matches the kind's status schema. A condition of an earlier
 * unreadable status is dropped from a readable one: the status was rebuilt since.
 */
export function readableStatus(kind: AnyKind, status: unknown): ReadStatus {
  if (status === undefined || status === null) return {};
  if (typeof status === 'object' && !Array.isArray(status) && Object.keys(status).length === 0) return {};
  let validate = cache.get(kind.statusSchema);
  if (!validate) {
    validate = ajv.compile(kind.statusSchema);
    cache.set(kind.statusSchema, validate);
  }
  if (!validate(status)) return { problem: formatErrors(validate.errors, 'status') };
  const readable = status as BaseStatus;
  if (!readable.conditions?.some((c) => c.type === STATUS_READABLE)) return { status: readable };
  return { status: { ...readable, conditions: readable.conditions.filter((c) => c.type !== STATUS_READABLE) } };
}

/** The condition an answer carries when the previous status was unreadable. */
export function unreadableStatusCondition(problem: string): ConditionInput {
  return {
    type: STATUS_READABLE,
    status: 'False',
    reason: 'UnreadableStatus',
    message: `the previous status does not match the schema (${problem}); it was ignored and is rebuilt from AWS`,
  };
}
