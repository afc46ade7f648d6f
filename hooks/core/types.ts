/**
 * The Metacontroller hook contract (CompositeController, hooks `version: v2`) as TypeScript
 * types, plus the shapes every kind shares. See DESIGN.md §1.
 */

/** Kubernetes object metadata, as much of it as the hooks read. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Any Kubernetes object as Metacontroller sends it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** A standard Kubernetes condition (metav1.Condition shape). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** Fields every parent status carries, whatever the kind. */
export interface BaseStatus {
  conditions?: Condition[];
  observedGeneration?: number;
  /** Hash of the inputs the last successful sync converged on (spec, related, config). */
  inputHash?: string;
}

/** A parent custom resource. */
export interface Parent<Spec = Record<string, unknown>, Status extends BaseStatus = BaseStatus> extends KubeObject {
  spec: Spec;
  status?: Status;
}

/** `children`/`related` maps: "<Kind>.<apiVersion>" → "<namespace>/<name>" → object. */
export type ObjectMap = Record<string, Record<string, KubeObject>>;

/** The body Metacontroller POSTs to the sync and finalize hooks. */
export interface SyncRequest {
  controller: KubeObject;
  parent: Parent;
  children: ObjectMap;
  related?: ObjectMap;
  finalizing?: boolean;
}

/** The body Metacontroller POSTs to the customize hook. */
export interface CustomizeRequest {
  controller: KubeObject;
  parent: Parent;
}

/** What the sync and finalize hooks answer. */
export interface SyncResponse {
  status: Record<string, unknown>;
  children: KubeObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

/** One rule of the customize hook's answer. */
export interface RelatedResourceRule {
  apiVersion: string;
  resource: string;
  namespace?: string;
  names?: string[];
  labelSelector?: { matchLabels?: Record<string, string> };
}

/** What the customize hook answers. */
export interface CustomizeResponse {
  relatedResources: RelatedResourceRule[];
}

/** The identity every AWS resource we create is tagged with (DESIGN.md §3.3). */
export interface Owner {
  cluster: string;
  namespace: string;
  name: string;
  uid: string;
  kind: string;
}
