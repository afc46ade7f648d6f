/**
 * A small kind ("Widget") over an in-memory AWS, for tests of the core's steps: every verb is
 * recorded, resources carry tags, and each verb's outcome can be set (a pending delete, a delete
 * that AWS did not really do, an error, a create that finds the resource already there).
 */
import { Type } from '@sinclair/typebox';
import { ownerTags } from '../../hooks/core/ownership.js';
import { kindNames, type DeleteOutcome, type KindDefinition, type OrphanInput } from '../../hooks/core/kind.js';
import { InvalidSpecError } from '../../hooks/core/errors.js';
import type { BaseStatus, KubeObject, Owner, Parent } from '../../hooks/core/types.js';
import { DeletionPolicy, KindStatusSchema, Adopt } from '../../schemas/common.js';

/** The desired widget. */
export interface WidgetDesired {
  name: string;
  adopt: boolean;
  deletionPolicy: string;
}

/** A widget in the fake AWS. */
export interface WidgetObserved {
  name: string;
  tags: Record<string, string>;
}

/** Widget status: the AWS name. */
export interface WidgetStatus extends BaseStatus {
  widgetName?: string;
}

/** The fake AWS and its knobs. */
export class FakeAws {
  readonly store = new Map<string, WidgetObserved>();
  readonly calls: string[] = [];
  /** What the next deletes answer. */
  deleteOutcome: DeleteOutcome = 'deleted';
  /** When true, delete answers but the widget stays (AWS did not really delete it). */
  deleteIsNoop = false;
  /** Thrown by the next call of this verb. */
  failNext: Partial<Record<'readOne' | 'create' | 'delete', Error>> = {};

  private fail(verb: 'readOne' | 'create' | 'delete'): void {
    const err = this.failNext[verb];
    if (err) {
      delete this.failNext[verb];
      throw err;
    }
  }

  /** A widget of `owner` (or without owner tags). */
  put(name: string, owner?: Owner): void {
    this.store.set(name, { name, tags: owner ? ownerTags(owner) : {} });
  }

  async readOne(desired: WidgetDesired): Promise<WidgetObserved | undefined> {
    this.calls.push(`readOne ${desired.name}`);
    this.fail('readOne');
    const found = this.store.get(desired.name);
    return Promise.resolve(found ? { ...found, tags: { ...found.tags } } : undefined);
  }

  async create(desired: WidgetDesired, owner: Owner): Promise<WidgetObserved> {
    this.calls.push(`create ${desired.name}`);
    this.fail('create');
    const widget = { name: desired.name, tags: ownerTags(owner) };
    this.store.set(desired.name, widget);
    return Promise.resolve(widget);
  }

  async delete(desired: WidgetDesired): Promise<DeleteOutcome> {
    this.calls.push(`delete ${desired.name} ${desired.deletionPolicy}`);
    this.fail('delete');
    if (!this.deleteIsNoop) this.store.delete(desired.name);
    return Promise.resolve(this.deleteOutcome);
  }
}

/** An AWS error as the SDK throws it. */
export function awsError(code: string, status = 400): Error {
  return Object.assign(new Error(`${code}: simulated`), { name: code, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

/** Widget specs: `size: 7` validates but the kind rejects it (an edit the CRD accepts, the hook not). */
export const WidgetSpecSchema = Type.Object(
  {
    widgetName: Type.Optional(Type.String()),
    size: Type.Optional(Type.Integer({ maximum: 100 })),
    adopt: Adopt,
    deletionPolicy: DeletionPolicy,
  },
  { additionalProperties: false },
);

/** The Widget kind over `aws`; `overrides` replace members (drop orphanCandidates, set safeDeletionPolicy). */
export function widgetKind(
  aws: FakeAws,
  overrides: Partial<KindDefinition<Record<string, unknown>, WidgetDesired, WidgetObserved, WidgetStatus>> = {},
): KindDefinition<Record<string, unknown>, WidgetDesired, WidgetObserved, WidgetStatus> {
  const derived = (owner: Owner) => `awshooks-${owner.namespace}-${owner.name}`;
  return {
    names: kindNames({ kind: 'Widget', group: 'test.awshooks.dev', version: 'v1', shortNames: [] }),
    specSchema: WidgetSpecSchema,
    statusSchema: KindStatusSchema({ widgetName: Type.Optional(Type.String()) }),
    printerColumns: [],
    childResources: [{ apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', updateStrategy: 'InPlace' }],
    terminalCodes: new Set(['WidgetAlreadyExists']),
    desired: ({ spec, owner }) => {
      if (spec.size === 7) throw new InvalidSpecError('spec.size: 7 is not allowed');
      return {
        name: typeof spec.widgetName === 'string' ? spec.widgetName : derived(owner),
        adopt: spec.adopt === true,
        deletionPolicy: String(spec.deletionPolicy),
      };
    },
    resource: (ctx) => ({
      readOne: (desired) => aws.readOne(desired),
      create: (desired) => aws.create(desired, ctx.owner),
      update: (desired, observed) => {
        aws.calls.push(`update ${desired.name}`);
        return Promise.resolve(observed);
      },
      delete: (desired) => aws.delete(desired),
    }),
    tagsOf: (observed) => observed.tags,
    delta: (desired) => ({ paths: desired.name.endsWith('-changed') ? ['name'] : [] }),
    status: (desired) => ({ widgetName: desired.name }),
    children: ({ parent }): KubeObject[] => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${parent.metadata.name}-widget` }, data: {} }],
    existsPerStatus: (status) => Boolean(status?.widgetName),
    orphanCandidates: (input: OrphanInput<WidgetStatus>) => {
      const names = [input.status?.widgetName, typeof input.rawSpec.widgetName === 'string' ? input.rawSpec.widgetName : undefined, derived(input.owner)];
      return [...new Set(names.filter((n): n is string => n?.startsWith('awshooks-') === true))].map((name) => ({
        name,
        adopt: false,
        deletionPolicy: input.deletionPolicy,
      }));
    },
    resourceKey: (desired) => desired.name,
    alreadyExistsCodes: new Set(['WidgetAlreadyExists']),
    ...overrides,
  };
}

/** A Widget parent in namespace team-a. */
export function widgetParent(spec: Record<string, unknown>, status?: Record<string, unknown>, name = 'w'): Parent {
  return {
    apiVersion: 'test.awshooks.dev/v1',
    kind: 'Widget',
    metadata: { name, namespace: 'team-a', uid: `uid-${name}`, generation: 1 },
    spec,
    ...(status ? { status } : {}),
  };
}

/** The owner identity of {@link widgetParent}. */
export function widgetOwner(name = 'w', namespace = 'team-a'): Owner {
  return { cluster: 'default', namespace, name, uid: `uid-${name}`, kind: 'Widget' };
}
