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
 * Bounds every spec is checked against before anything recurses into it (structuredClone, ajv,
 * document comparison, hashing all recurse). The API server accepts objects nested 10,000 levels
 * deep; no spec of ours is deeper than about ten (an inline policy's condition values).
 */
export const SPEC_MAX_DEPTH = 32;
/** The most values (objects, arrays, scalars) a spec may hold: far above any real one. */
export const SPEC_MAX_VALUES = 100_000;

/**
 * Check a value's nesting depth and size without recursion (an explicit stack), so that a
 * pathological spec is an InvalidSpec, never a stack overflow (a 500 that would also block
 * finalize). @throws InvalidSpecError naming where the limit was reached.
 */
export function checkBounds(value: unknown, root: string, maxDepth = SPEC_MAX_DEPTH, maxValues = SPEC_MAX_VALUES): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: root }];
  let count = 0;
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value: v, depth, path } = top;
    if (++count > maxValues) throw new InvalidSpecError(`${root}: more than ${maxValues} values; a spec this large is refused`);
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) throw new InvalidSpecError(`${path}: nested more than ${maxDepth} levels deep`);
    if (Array.isArray(v)) v.forEach((item, i) => stack.push({ value: item, depth: depth + 1, path: `${path}[${i}]` }));
    else for (const [key, item] of Object.entries(v)) stack.push({ value: item, depth: depth + 1, path: `${path}.${key}` });
  }
}

/**
 * Validate a spec against its schema and return a copy with defaults applied. Depth and size are
 * bounded first ({@link checkBounds}).
 * @throws InvalidSpecError naming every offending field.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the type its schema describes (TSchema erases it)
export function validateSpec<Spec>(schema: TSchema, spec: unknown): Spec {
  checkBounds(spec, 'spec');
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  const copy = structuredClone(spec ?? {});
  if (!validate(copy)) throw new InvalidSpecError(formatErrors(validate.errors, 'spec'));
  return copy as Spec;
}
