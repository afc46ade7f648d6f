import type { TSchema } from '@sinclair/typebox';
import type { AwsClients } from './aws-clients.js';
import type { HooksConfig } from './config.js';
import type { ConditionInput } from './conditions.js';
import type { Logger } from './logger.js';
import type { BaseStatus, KubeObject, ObjectMap, Owner, Parent, RelatedResourceRule } from './types.js';
import type { CelRule } from '../../schemas/common.js';

/** Names of a kind, as in its CRD. */
export interface KindNames {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  listKind: string;
  shortNames: string[];
  categories?: string[];
}

/** The categories every awshooks kind is listed under (`kubectl get awshooks`). */
export const AWSHOOKS_CATEGORIES = ['awshooks', 'aws'];

/**
 * The English plural of a kind's lower-cased name, the way Kubernetes spells CRD plurals:
 * policy → policies, address → addresses, queue → queues.
 */
export function pluralOf(singular: string): string {
  if (/[^aeiou]y$/.test(singular)) return `${singular.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(singular)) return `${singular}es`;
  return `${singular}s`;
}

/**
 * A kind's names from its kind and group: singular and plural lower-cased (`plural` only for an
 * irregular one), listKind `<Kind>List`, categories {@link AWSHOOKS_CATEGORIES} unless given.
 */
export function kindNames(names: { kind: string; group: string; version: string; shortNames: string[]; categories?: string[]; plural?: string }): KindNames {
  const singular = names.kind.toLowerCase();
  return {
    group: names.group,
    version: names.version,
    kind: names.kind,
    plural: names.plural ?? pluralOf(singular),
    singular,
    listKind: `${names.kind}List`,
    shortNames: names.shortNames,
    categories: names.categories ?? AWSHOOKS_CATEGORIES,
  };
}

/** A CRD printer column. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** A child resource type, as declared in the CompositeController. */
export interface ChildResource {
  apiVersion: string;
  resource: string;
  kind: string;
  updateStrategy: 'InPlace' | 'OnDelete' | 'Recreate';
}

/** A related resource type the customize hook may ask for. */
export interface RelatedResource {
  apiVersion: string;
  resource: string;
}

/** What a kind's I/O code may use. */
export interface KindContext {
  config: HooksConfig;
  aws: AwsClients;
  now: () => Date;
  log: Logger;
  owner: Owner;
}

/** Input to the pure desired-state computation. */
export interface DesiredInput<Spec, KStatus extends BaseStatus> {
  parent: Parent<Spec, KStatus>;
  /** The spec with schema defaults applied. */
  spec: Spec;
  children: ObjectMap;
  related: ObjectMap;
  config: HooksConfig;
  owner: Owner;
  finalizing: boolean;
  now: Date;
}

/** Input to the pure children computation. It must never throw. */
export interface ChildrenInput<Spec, KStatus extends BaseStatus, Desired> {
  parent: Parent<Spec, KStatus>;
  /** The spec with defaults, or undefined when it failed validation. */
  spec: Spec | undefined;
  /** The status this answer carries (on errors: the previous status with error conditions). */
  status: KStatus;
  /** The desired state, when it could be computed. */
  desired: Desired | undefined;
  children: ObjectMap;
  /** Related objects (the customize hook's answer): a kind leaves out children another object holds. */
  related?: ObjectMap;
  config: HooksConfig;
  now: Date;
}

/** What differs between desired and observed; `paths` name the differing fields. */
export interface Delta {
  paths: string[];
}

/** Whether an observed resource is usable yet. */
export type Readiness =
  | { ready: true }
  | {
      ready: false;
      reason: string;
      message: string;
      requeueSeconds: number;
      /** AWS still accepts updates in this state (RDS storage-full is fixed by growing storage). */
      acceptsUpdates?: boolean;
    };

/** The result of `delete`: gone at once, or AWS is still working on it. */
export type DeleteOutcome = 'deleted' | 'pending';

/**
 * The I/O side of a kind (ACK's four verbs). Only the core decides which verb to call.
 * `readOne` returns undefined when the resource does not exist: not-found is a value.
 */
export interface ResourceManager<Desired, Observed, KStatus extends BaseStatus> {
  readOne(desired: Desired, previous: KStatus | undefined): Promise<Observed | undefined>;
  create(desired: Desired, previous: KStatus | undefined): Promise<Observed>;
  update(desired: Desired, observed: Observed, delta: Delta, previous: KStatus | undefined): Promise<Observed>;
  delete(desired: Desired, observed: Observed, previous: KStatus | undefined): Promise<DeleteOutcome>;
}

/**
 * What a kind may use to find what a parent may own in AWS without a valid spec (finalize of a
 * spec that no longer validates, DESIGN.md §3.1). Nothing here is trusted as proof of ownership:
 * every candidate is read from AWS and deleted only when its owner tags name this parent.
 */
export interface OrphanInput<KStatus extends BaseStatus> {
  /** The parent; `spec` is as the API server stored it, unvalidated. */
  parent: Parent<unknown, KStatus>;
  /** The raw spec's fields (an empty object when the spec is not one): read plain fields, checking their types. */
  rawSpec: Record<string, unknown>;
  /** The previous status, when readable. */
  status: KStatus | undefined;
  config: HooksConfig;
  owner: Owner;
  /** deletionPolicy as written when readable, else the kind's safe default. */
  deletionPolicy: string;
}

/** The fields of a desired state the core reads. */
export interface DesiredBase {
  adopt: boolean;
  deletionPolicy: string;
}

/** Extra results of work done after the resource converged (RDS in-database work, snapshots). */
export interface AfterConvergeResult<KStatus> {
  conditions?: ConditionInput[];
  status?: Partial<KStatus>;
  /** Ask for a resync sooner than the drift-check interval. */
  requeueSeconds?: number;
  /** When false, the parent is not Ready (for example: in-database work failed). */
  ready?: { reason: string; message: string };
}

/**
 * Everything the generic reconcile loop and the generators need to know about a kind.
 * Pure functions here; all AWS I/O is in `resource(ctx)`.
 */
export interface KindDefinition<Spec, Desired extends DesiredBase, Observed, KStatus extends BaseStatus> {
  names: KindNames;
  /** JSON Schema of `spec` (TypeBox): ajv validation, TypeScript types and the CRD. */
  specSchema: TSchema;
  /** JSON Schema of `status`. */
  statusSchema: TSchema;
  /** CEL rules on the whole spec (immutability, one-of). */
  specValidations?: CelRule[];
  printerColumns: PrinterColumn[];
  childResources: ChildResource[];
  relatedResources?: RelatedResource[];
  /** AWS error codes that need the user to act (ACK's terminal_codes). */
  terminalCodes: ReadonlySet<string>;
  /** How often Metacontroller re-syncs every parent (CompositeController resyncPeriodSeconds). */
  resyncPeriodSeconds?: number;
  /**
   * How often a converged parent is re-read from AWS by default ({@link DEFAULT_DRIFT_CHECK_SECONDS}
   * when unset): fit it to how often the resource drifts and how tightly its API is throttled.
   * The configuration can override it per kind (see {@link driftIntervalSecondsOf}).
   */
  driftCheckIntervalSeconds?: number;
  /**
   * Status fields that change by themselves (a queue's message counts): refreshed at drift checks
   * but rewritten at most every `volatileStatusIntervalSeconds`, and only when they changed.
   */
  volatileStatus?: readonly string[];

  /** The customize hook: which related objects to send with every sync. */
  customize?(parent: Parent<Spec, KStatus>, config: HooksConfig): RelatedResourceRule[];
  /** Pure: semantic validation and the desired state. Throws InvalidSpecError or WaitError. */
  desired(input: DesiredInput<Spec, KStatus>): Desired;
  /**
   * What, besides the spec, decides whether AWS must be visited (a related object's ARN, a
   * Secret's password hash). Hashed into `status.inputHash`. Defaults to `desired`.
   */
  fingerprint?(desired: Desired): unknown;
  /** The kind's AWS I/O. */
  resource(ctx: KindContext): ResourceManager<Desired, Observed, KStatus>;
  /** The observed resource's tags, to judge ownership. */
  tagsOf(observed: Observed): Record<string, string> | undefined;
  /** Pure: what differs. An empty `paths` means no write. */
  delta(desired: Desired, observed: Observed, previous: KStatus | undefined): Delta;
  /** Pure: the kind's own status fields. */
  status(desired: Desired, observed: Observed, previous: KStatus | undefined): Omit<KStatus, keyof BaseStatus>;
  /** Pure: is the observed resource usable yet? Defaults to ready. */
  readiness?(observed: Observed): Readiness;
  /**
   * Pure: the complete children set. Must not throw, whatever the status.
   * NOTE: nor depend on `now` when answering from status: a steady answer is memoized by the
   * exact request body (server/answer-memo.ts) and given again to the same request.
   */
  children(input: ChildrenInput<Spec, KStatus, Desired>): KubeObject[];
  /** Work once the resource is ready and converged. */
  afterConverge?(ctx: KindContext, desired: Desired, observed: Observed, previous: KStatus | undefined): Promise<AfterConvergeResult<KStatus>>;
  /** Whether the previous status shows that an AWS resource may exist. */
  existsPerStatus(status: KStatus | undefined): boolean;
  /**
   * Resync when the resource is gone during finalize but AWS is still deleting, or after a
   * `pending` delete. Defaults to 5 seconds.
   */
  deletePollSeconds?: number;
  /**
   * What this parent may own in AWS, found without a valid spec: desired states (enough of one
   * for `readOne` and `delete`) from status, from the names derived from namespace and name
   * alone, and from plain fields of the raw spec. Finalize reads each and deletes the ones whose
   * owner tags name this parent, so that an invalid spec never leaves a resource behind nor traps
   * the parent in deletion. Without it, finalize of an invalid spec only ends under Retain.
   */
  orphanCandidates?(input: OrphanInput<KStatus>): Desired[];
  /** A desired resource's identity in AWS (region and name), so each is read once. Defaults to a hash of it. */
  resourceKey?(desired: Desired): string;
  /**
   * deletionPolicy when the spec's cannot be read (not one of the schema's values). Defaults to
   * the spec schema's default, else Retain: never lose data on a guess.
   */
  safeDeletionPolicy?: string;
  /**
   * AWS error codes with which `create` says the resource already exists (a concurrent first
   * sync created it): not terminal, the core reads it again and goes on, ownership checked.
   */
  alreadyExistsCodes?: ReadonlySet<string>;
}

/** Drift-check interval of a kind that does not set one. */
export const DEFAULT_DRIFT_CHECK_SECONDS = 300;

/**
 * A kind's drift-check interval in seconds: DRIFT_CHECK_INTERVALS for the kind, else
 * DRIFT_CHECK_INTERVAL_SECONDS, else the kind's own default, else {@link DEFAULT_DRIFT_CHECK_SECONDS}.
 */
export function driftIntervalSecondsOf(kind: AnyKind, config: HooksConfig): number {
  return config.driftCheckIntervals?.[kind.names.singular] ?? config.driftCheckIntervalSeconds ?? kind.driftCheckIntervalSeconds ?? DEFAULT_DRIFT_CHECK_SECONDS;
}

/** A kind with its type parameters erased, for registries and routes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKind = KindDefinition<any, any, any, any>;
