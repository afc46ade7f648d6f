/**
 * Pure: S3 lifecycle rules. The spec's rule shape is checked here against what S3 refuses
 * (so a bad rule is an InvalidSpec before any AWS call), turned into S3's shape, and compared
 * with what S3 returns by meaning (filter forms, transition order, defaults).
 */
import type { LifecycleRule as S3LifecycleRule } from '@aws-sdk/client-s3';
import { InvalidSpecError } from '../core/errors.js';
import { stableStringify } from '../core/hash.js';
import { TRANSITION_STORAGE_CLASSES, type LifecycleRule, type TransitionStorageClass } from '../../schemas/bucket.js';

/** Storage classes with a 30-day minimum before a transition into them, and before the next one out. */
const THIRTY_DAY_CLASSES = new Set<TransitionStorageClass>(['STANDARD_IA', 'ONEZONE_IA']);
const MIN_IA_DAYS = 30;

interface Step {
  days: number;
  storageClass: TransitionStorageClass;
}

/**
 * Check one list of transitions: one per storage class, on distinct days, down S3's waterfall
 * (STANDARD_IA → INTELLIGENT_TIERING → ONEZONE_IA → GLACIER_IR → GLACIER → DEEP_ARCHIVE), at
 * least 30 days into STANDARD_IA/ONEZONE_IA and at least 30 days in them before the next step.
 */
function checkSteps(steps: Step[], at: string, unit: string): void {
  const sorted = [...steps].sort((a, b) => a.days - b.days);
  const seen = new Set<string>();
  sorted.forEach((step, i) => {
    if (seen.has(step.storageClass)) throw new InvalidSpecError(`${at}: storage class ${step.storageClass} is used twice`);
    seen.add(step.storageClass);
    if (THIRTY_DAY_CLASSES.has(step.storageClass) && step.days < MIN_IA_DAYS) {
      throw new InvalidSpecError(`${at}: a transition to ${step.storageClass} needs ${unit} of at least ${MIN_IA_DAYS}`);
    }
    const prev = sorted[i - 1];
    if (!prev) return;
    if (prev.days === step.days) throw new InvalidSpecError(`${at}: two transitions on day ${step.days}`);
    if (TRANSITION_STORAGE_CLASSES.indexOf(step.storageClass) < TRANSITION_STORAGE_CLASSES.indexOf(prev.storageClass)) {
      throw new InvalidSpecError(
        `${at}: S3 cannot move objects from ${prev.storageClass} to ${step.storageClass} (storage classes only go down: ${TRANSITION_STORAGE_CLASSES.join(' → ')})`,
      );
    }
    if (THIRTY_DAY_CLASSES.has(prev.storageClass) && step.days < prev.days + MIN_IA_DAYS) {
      throw new InvalidSpecError(
        `${at}: objects must stay ${MIN_IA_DAYS} days in ${prev.storageClass} before moving to ${step.storageClass} (day ${prev.days + MIN_IA_DAYS} or later)`,
      );
    }
  });
}

/** Check the rules against what S3 refuses. @throws InvalidSpecError naming the field. */
export function checkLifecycleRules(rules: LifecycleRule[], field = 'spec.lifecycleRules'): void {
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    const at = `${field}[${i}]`;
    if (ids.has(rule.id)) throw new InvalidSpecError(`${at}.id: "${rule.id}" is used by another rule`);
    ids.add(rule.id);
    const hasTags = Object.keys(rule.tags ?? {}).length > 0;
    for (const key of Object.keys(rule.tags ?? {})) {
      if (key.length === 0 || key.length > 128) throw new InvalidSpecError(`${at}.tags: key "${key}" must be 1-128 characters`);
    }
    const transitions = rule.transitions ?? [];
    const noncurrent = rule.noncurrentVersionTransitions ?? [];
    const hasAction =
      rule.expirationDays !== undefined ||
      rule.expiredObjectDeleteMarker === true ||
      rule.noncurrentVersionExpirationDays !== undefined ||
      transitions.length > 0 ||
      noncurrent.length > 0 ||
      rule.abortIncompleteMultipartUploadDays !== undefined;
    if (!hasAction)
      throw new InvalidSpecError(
        `${at}: a lifecycle rule needs at least one action (expiration, transition, noncurrent version expiration or transition, abort incomplete multipart upload)`,
      );
    if (rule.expiredObjectDeleteMarker !== undefined && rule.expirationDays !== undefined) {
      throw new InvalidSpecError(`${at}.expiredObjectDeleteMarker: cannot be combined with expirationDays`);
    }
    if (rule.expiredObjectDeleteMarker === true && hasTags)
      throw new InvalidSpecError(`${at}.expiredObjectDeleteMarker: S3 does not allow it with a tags filter`);
    if (rule.abortIncompleteMultipartUploadDays !== undefined && hasTags) {
      throw new InvalidSpecError(`${at}.abortIncompleteMultipartUploadDays: S3 does not allow it with a tags filter`);
    }
    checkSteps(transitions, `${at}.transitions`, 'days');
    checkSteps(
      noncurrent.map((t) => ({ days: t.noncurrentDays, storageClass: t.storageClass })),
      `${at}.noncurrentVersionTransitions`,
      'noncurrentDays',
    );
    const lastTransition = Math.max(-1, ...transitions.map((t) => t.days));
    if (rule.expirationDays !== undefined && rule.expirationDays <= lastTransition) {
      throw new InvalidSpecError(`${at}.expirationDays: must be later than every transition (day ${lastTransition})`);
    }
    const lastNoncurrent = Math.max(-1, ...noncurrent.map((t) => t.noncurrentDays));
    if (rule.noncurrentVersionExpirationDays !== undefined && rule.noncurrentVersionExpirationDays <= lastNoncurrent) {
      throw new InvalidSpecError(`${at}.noncurrentVersionExpirationDays: must be later than every noncurrent transition (day ${lastNoncurrent})`);
    }
  });
}

/** The spec's rules in S3's shape. */
export function toS3LifecycleRules(rules: LifecycleRule[]): S3LifecycleRule[] {
  return rules.map((rule) => {
    const tags = Object.entries(rule.tags ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([Key, Value]) => ({ Key, Value }));
    const prefix = rule.prefix ?? '';
    // NOTE: S3 takes one condition bare (Prefix, or one Tag) and several under And.
    const Filter =
      tags.length + (prefix ? 1 : 0) > 1
        ? { And: { ...(prefix ? { Prefix: prefix } : {}), Tags: tags } }
        : tags.length === 1
          ? { Tag: tags[0] }
          : { Prefix: prefix };
    const expiration =
      rule.expirationDays !== undefined
        ? { Days: rule.expirationDays }
        : rule.expiredObjectDeleteMarker === true
          ? { ExpiredObjectDeleteMarker: true }
          : undefined;
    return {
      ID: rule.id,
      Status: !rule.enabled ? 'Disabled' : 'Enabled',
      Filter,
      ...(expiration ? { Expiration: expiration } : {}),
      ...(rule.transitions?.length
        ? { Transitions: [...rule.transitions].sort((a, b) => a.days - b.days).map((t) => ({ Days: t.days, StorageClass: t.storageClass })) }
        : {}),
      ...(rule.noncurrentVersionExpirationDays !== undefined ? { NoncurrentVersionExpiration: { NoncurrentDays: rule.noncurrentVersionExpirationDays } } : {}),
      ...(rule.noncurrentVersionTransitions?.length
        ? {
            NoncurrentVersionTransitions: [...rule.noncurrentVersionTransitions]
              .sort((a, b) => a.noncurrentDays - b.noncurrentDays)
              .map((t) => ({ NoncurrentDays: t.noncurrentDays, StorageClass: t.storageClass })),
          }
        : {}),
      ...(rule.abortIncompleteMultipartUploadDays !== undefined
        ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: rule.abortIncompleteMultipartUploadDays } }
        : {}),
    } satisfies S3LifecycleRule;
  });
}

/** A rule reduced to what it means, for comparison. */
interface CanonicalRule {
  id: string;
  enabled: boolean;
  prefix: string;
  tags: Record<string, string>;
  expirationDays?: number;
  expiredObjectDeleteMarker?: true;
  noncurrentVersionExpirationDays?: number;
  transitions: string[];
  noncurrentVersionTransitions: string[];
  abortDays?: number;
  /** What S3 holds that the spec cannot say (dates, size filters, newer-version counts): never equal to a spec rule. */
  other?: string;
}

function canonicalS3Rule(rule: S3LifecycleRule): CanonicalRule {
  const filter = rule.Filter ?? {};
  const and = filter.And;
  const tags: Record<string, string> = {};
  for (const t of [...(filter.Tag ? [filter.Tag] : []), ...(and?.Tags ?? [])]) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  // NOTE: old rules carry Prefix on the rule itself instead of a Filter (deprecated by S3, still returned for them).
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- read only, to understand rules written by others
  const prefix = filter.Prefix ?? and?.Prefix ?? rule.Prefix ?? '';
  const unsupported = {
    date: rule.Expiration?.Date,
    transitionDates: rule.Transitions?.some((t) => t.Date !== undefined) === true ? true : undefined,
    sizes: [filter.ObjectSizeGreaterThan, filter.ObjectSizeLessThan, and?.ObjectSizeGreaterThan, and?.ObjectSizeLessThan].filter((v) => v !== undefined),
    newer: [
      rule.NoncurrentVersionExpiration?.NewerNoncurrentVersions,
      ...(rule.NoncurrentVersionTransitions ?? []).map((t) => t.NewerNoncurrentVersions),
    ].filter((v) => v !== undefined),
  };
  const other =
    unsupported.date !== undefined || unsupported.transitionDates || unsupported.sizes.length || unsupported.newer.length
      ? stableStringify(unsupported)
      : undefined;
  return {
    id: rule.ID ?? '',
    enabled: rule.Status === 'Enabled',
    prefix,
    tags,
    ...(rule.Expiration?.Days !== undefined ? { expirationDays: rule.Expiration.Days } : {}),
    ...(rule.Expiration?.ExpiredObjectDeleteMarker === true ? { expiredObjectDeleteMarker: true as const } : {}),
    ...(rule.NoncurrentVersionExpiration?.NoncurrentDays !== undefined
      ? { noncurrentVersionExpirationDays: rule.NoncurrentVersionExpiration.NoncurrentDays }
      : {}),
    transitions: (rule.Transitions ?? []).map((t) => `${t.Days ?? ''}:${t.StorageClass ?? ''}`).sort(),
    noncurrentVersionTransitions: (rule.NoncurrentVersionTransitions ?? []).map((t) => `${t.NoncurrentDays ?? ''}:${t.StorageClass ?? ''}`).sort(),
    ...(rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined ? { abortDays: rule.AbortIncompleteMultipartUpload.DaysAfterInitiation } : {}),
    ...(other ? { other } : {}),
  };
}

function canonicalSet(rules: S3LifecycleRule[]): string {
  return stableStringify(rules.map(canonicalS3Rule).sort((a, b) => a.id.localeCompare(b.id)));
}

/** True when S3's rules mean what the spec's rules say. */
export function sameLifecycleRules(desired: LifecycleRule[], observed: S3LifecycleRule[]): boolean {
  return canonicalSet(toS3LifecycleRules(desired)) === canonicalSet(observed);
}
