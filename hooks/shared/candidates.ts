/**
 * Pure helpers for the kinds' `orphanCandidates`: reading plain fields of a spec that did not
 * validate, and the names that may be ours. Nothing read here proves ownership; it only says
 * where to look (finalize checks the owner tags in AWS).
 */
import type { HooksConfig } from '../core/config.js';

/** AWS region names (us-east-1, eu-west-3, us-gov-west-1), as the CRDs accept them. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** A field of the raw spec or status when it is a string, else undefined. */
export function plainString(fields: object | undefined, key: string): string | undefined {
  const value: unknown = (fields as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** A field of the raw spec when it is a boolean, else undefined. */
export function plainBoolean(fields: object | undefined, key: string): boolean | undefined {
  const value: unknown = (fields as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'boolean' ? value : undefined;
}

/** True for a string that looks like an AWS region. */
export function isRegion(value: string | undefined): value is string {
  return value !== undefined && REGION.test(value);
}

/**
 * True for a name under the service's prefix: only those can be ours (the service's IAM
 * policy is scoped to them), so no other name is ever looked up from an untrusted field.
 */
export function underPrefix(name: string | undefined, config: Pick<HooksConfig, 'namePrefix'>): name is string {
  return name?.toLowerCase().startsWith(`${config.namePrefix.toLowerCase()}-`) === true;
}

/** The regions to look in: the status's and the raw spec's, when they name one; else the default region. */
export function candidateRegions(rawSpec: Record<string, unknown>, status: object | undefined, config: Pick<HooksConfig, 'defaultRegion'>): string[] {
  const regions = [plainString(status, 'region'), plainString(rawSpec, 'region')].filter(isRegion);
  return regions.length > 0 ? [...new Set(regions)] : [config.defaultRegion];
}

/**
 * The candidates of a kind whose AWS identity is a region and a name: the name status records,
 * when `usable`, in the status's, the raw spec's or the default region; otherwise each usable one
 * of `names` (the raw spec's custom name, the derived names) in those regions.
 */
export function candidatesByName<D>(
  input: { rawSpec: Record<string, unknown>; status: object | undefined; config: Pick<HooksConfig, 'defaultRegion'> },
  statusField: string,
  usable: (name: string | undefined) => name is string,
  names: readonly (string | undefined)[],
  make: (region: string, name: string) => D,
): D[] {
  const regions = candidateRegions(input.rawSpec, input.status, input.config);
  const fromStatus = plainString(input.status, statusField);
  if (usable(fromStatus)) return regions.map((region) => make(region, fromStatus));
  const usableNames = [...new Set(names)].filter(usable);
  return regions.flatMap((region) => usableNames.map((name) => make(region, name)));
}
