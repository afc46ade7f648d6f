/**
 * One small valid parent of every kind, with the observed children that let its first sync reach
 * AWS (a DBInstance's master Secret), and the configuration every kind needs (OIDC for Roles,
 * the account ID for Policies). For tests that must hold "for every kind".
 */
import type { HooksConfig } from '../../hooks/core/config.js';
import type { AnyKind } from '../../hooks/core/kind.js';
import type { ObjectMap, Parent } from '../../hooks/core/types.js';
import { dbInstanceKind } from '../../hooks/dbinstance/index.js';
import { policyKind } from '../../hooks/policy/index.js';
import { queueKind } from '../../hooks/queue/index.js';
import { roleKind } from '../../hooks/role/index.js';

const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/KINDS';

/** Configuration under which every sample reaches AWS. */
export const KINDS_HOOKS_CONFIG: Partial<HooksConfig> = {
  oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`,
  oidcIssuer: ISSUER,
  accountId: '123456789012',
};

/** A sample parent of a kind and what Metacontroller would send with it. */
export interface KindSample {
  kind: AnyKind;
  plural: string;
  parent: Parent;
  children: ObjectMap;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A parent of `kind` named `name` in namespace `ns`. */
export function sampleParent(kind: AnyKind, name: string, spec: Record<string, unknown>, ns = 'teama', status?: Record<string, unknown>): Parent {
  return {
    apiVersion: `${kind.names.group}/${kind.names.version}`,
    kind: kind.names.kind,
    metadata: { name, namespace: ns, uid: `uid-${kind.names.singular}-${name}`, generation: 1 },
    spec,
    ...(status ? { status } : {}),
  };
}

/** The observed master Secret of a DBInstance, so that its sync goes on to RDS. */
export function masterSecretChild(ns: string, name: string, password = 'Sample-master-pw-0123'): ObjectMap {
  return {
    'Secret.v1': {
      [`${ns}/${name}-master`]: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${name}-master`, namespace: ns },
        type: 'Opaque',
        data: { password: b64(password), username: b64('sysadmin') },
      },
    },
    'Service.v1': {},
  };
}

/** One sample of every kind, named `name`. */
export function samples(name = 'sample', ns = 'teama'): KindSample[] {
  return [
    { kind: queueKind, plural: 'queues', parent: sampleParent(queueKind, name, { region: 'us-east-1' }, ns), children: { 'ConfigMap.v1': {} } },
    {
      kind: policyKind,
      plural: 'policies',
      parent: sampleParent(policyKind, name, { document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } }, ns),
      children: {},
    },
    { kind: roleKind, plural: 'roles', parent: sampleParent(roleKind, name, {}, ns), children: { 'ServiceAccount.v1': {} } },
    { kind: dbInstanceKind, plural: 'dbinstances', parent: sampleParent(dbInstanceKind, name, {}, ns), children: masterSecretChild(ns, name) },
  ];
}
