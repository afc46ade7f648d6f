import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { InvalidSpecError } from './errors.js';

/**
 * One ajv instance for specs. Unlike the HTTP layer's ajv (which must see exactly what
 * Metacontroller sent), this one fills in schema defaults, on a copy, so that the kind's code
 * sees the same spec the API server would have stored.
 */
const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: false, strict: false });
const cache = new WeakMap<TSchema, ValidateFunction>();

/** Kubernetes vendor extensions our schemas carry; ajv ignores them. */
for (const keyword of [
  'x-kubernetes-validations',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-list-map-keys',
]) {
  ajv.addKeyword(keyword);
}

/** Render ajv errors as `spec.field: message` lines. */
export function formatErrors(errors: ErrorObject[] | null | undefined, root: string): string {
  return (errors ?? [])
    .map((e) => {
      const path = root + e.instancePath.replace(/\//g, '.');
      if (e.keyword === 'additionalProperties') {
        return `${path}: unknown field "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`;
      }
      if (e.keyword === 'required') {
        return `${path}.${String((e.params as { missingProperty?: string }).missingProperty)}: required`;
      }
      return `${path}: ${e.message ?? e.keyword}`;
    })
    .filter((line, i, all) => all.indexOf(line) === i)
    .join('; ');
}

/**
 * Validate a spec against its schema and return a copy with defaults applied.
 * @throws InvalidSpecError naming every offending field.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the type its schema describes (TSchema erases it)
export function validateSpec<Spec>(schema: TSchema, spec: unknown): Spec {
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  const copy = structuredClone(spec ?? {});
  if (!validate(copy)) throw new InvalidSpecError(formatErrors(validate.errors, 'spec'));
  return copy as Spec;
}
