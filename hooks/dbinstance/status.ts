/** Pure: a DBInstance's status fields and its children (Secrets, Service). */
import { withoutForeignChildren } from '../core/child-names.js';
import type { ChildrenInput } from '../core/kind.js';
import type { KubeObject, ObjectMap } from '../core/types.js';
import { childLabels } from '../shared/child-labels.js';
import type { DBInstanceSpec, DBInstanceStatus, Engine } from '../../schemas/dbinstance.js';
import type { DBInstanceDelta, DBInstanceObserved } from './delta.js';
import { CONFIGMAP_KEY, SECRET_KEY, SERVICE_KEY, secretObserved, secretValue, type DBInstanceDesired } from './desired.js';
import { finalSnapshotIdOf, instanceIdOf, masterSecretName, userSecretName } from './identifiers.js';
import { connectionUrl, generatePassword } from './passwords.js';

/** Names of PendingModifiedValues fields that hold a value. */
export function pendingFields(observed: DBInstanceObserved): string[] {
  const p = observed.instance.PendingModifiedValues ?? {};
  return Object.entries(p)
    .filter(
      ([, v]) =>
        v !== undefined &&
        v !== null &&
        !(Array.isArray(v) && v.length === 0) &&
        !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0),
    )
    .map(([k]) => k)
    .sort();
}

/** The kind's status fields from what RDS reported. */
export function dbInstanceStatus(desired: DBInstanceDesired, observed: DBInstanceObserved, previous: DBInstanceStatus | undefined): DBInstanceStatus {
  const i = observed.instance;
  const status: DBInstanceStatus = {
    dbInstanceIdentifier: instanceIdOf(desired, observed),
    region: desired.region,
    dbInstanceStatus: i.DBInstanceStatus ?? 'unknown',
    engine: i.Engine ?? desired.engine,
    engineVersion: i.EngineVersion ?? desired.engineVersion,
    instanceClass: i.DBInstanceClass ?? desired.instanceClass,
    storageGB: i.AllocatedStorage ?? desired.storageGB,
    pendingModifications: pendingFields(observed),
    managedTagKeys: Object.keys(desired.tags).sort(),
  };
  if (i.DBInstanceArn) status.dbInstanceArn = i.DBInstanceArn;
  // The endpoint appears some minutes into `creating`; keep the last known one meanwhile.
  const endpoint = i.Endpoint?.Address ?? previous?.endpoint;
  const port = i.Endpoint?.Port ?? previous?.port;
  if (endpoint) status.endpoint = endpoint;
  if (port !== undefined) status.port = port;
  // A restored instance has its source's master password: no hash until the Secret's is set.
  const hash = observed.masterPassword === 'source' ? previous?.masterPasswordHash : (desired.masterPasswordHash ?? previous?.masterPasswordHash);
  if (hash) status.masterPasswordHash = hash;
  // Only while the instance is not available: gone once it is.
  // (The core keeps previous status fields: an emptied list replaces the last events.)
  if (observed.recentEvents?.length && i.DBInstanceStatus !== 'available') status.recentEvents = observed.recentEvents;
  else if (previous?.recentEvents?.length) status.recentEvents = [];
  const restoredFrom = observed.restoredFrom ?? previous?.restoredFrom;
  if (restoredFrom) status.restoredFrom = restoredFrom;
  if (desired.deletionPolicy === 'Snapshot') status.finalSnapshotIdentifier = finalSnapshotIdOf(desired, observed);
  return status;
}

/** Only the paths of a delta are logged and reported: the modify values may hold a password. */
export function describeDelta(delta: DBInstanceDelta): string {
  return delta.paths.join(', ');
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** The `data` of a connection Secret: every value base64, as the API server stores it. */
export function secretData(values: { engine: Engine; username: string; password: string; host: string; port: string; dbname: string }): Record<string, string> {
  const { engine, username, password, host, port, dbname } = values;
  return {
    dbname: b64(dbname),
    engine: b64(engine),
    host: b64(host),
    password: b64(password),
    port: b64(port),
    url: b64(connectionUrl(engine, username, password, host, port, dbname)),
    username: b64(username),
  };
}

/**
 * The password a Secret child carries: the observed one, always, while the Secret exists with a
 * non-empty password (a password is never regenerated); a fresh one otherwise.
 */
export function childPassword(children: ObjectMap, namespace: string, secretName: string, generate: () => string): string {
  const observed = secretObserved(children, namespace, secretName) ? secretValue(children, namespace, secretName, 'password') : undefined;
  return observed !== undefined && observed !== '' ? observed : generate();
}

/**
 * The complete children set: the master Secret (from the first sync), a Secret per user, and the
 * ExternalName Service once the instance was seen available. Never throws.
 */
export function dbInstanceChildren(
  input: ChildrenInput<DBInstanceSpec, DBInstanceStatus, DBInstanceDesired>,
  generate: () => string = () => generatePassword(),
): KubeObject[] {
  const { spec, status, parent, children } = input;
  if (!spec) return []; // invalid spec: the core keeps every observed child as it is
  const name = parent.metadata.name;
  const namespace = parent.metadata.namespace ?? '';
  const labels = childLabels('DBInstance', name);
  const engine = spec.engine;
  const host = status.endpoint ?? '';
  const port = status.port !== undefined ? String(status.port) : '';
  const out: KubeObject[] = [];

  const secret = (secretName: string, username: string, dbname: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName, labels },
    type: 'Opaque',
    data: secretData({ engine, username, password: childPassword(children, namespace, secretName, generate), host, port, dbname }),
  });

  out.push(secret(masterSecretName(name), spec.masterUsername, engine === 'postgres' ? 'postgres' : ''));
  const users = spec.users ?? {};
  for (const user of Object.keys(users).sort()) {
    if (!/^[a-z][a-z0-9_]{0,31}$/.test(user)) continue; // desired() reports it as InvalidSpec
    const granted = Object.entries(spec.databases ?? {})
      .filter(([, us]) => us.includes(user))
      .map(([db]) => db)
      .sort();
    const dbname = granted[0] ?? (engine === 'postgres' ? 'postgres' : '');
    if (users[user]?.includes('iamAuth')) {
      // No password: the app asks RDS for a token (rds-db:connect, granted by a Role's databaseAccess).
      out.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: userSecretName(name, user), labels },
        data: { dbname, engine, host, port, region: status.region ?? '', username: user, authentication: 'iam' },
      });
    } else out.push(secret(userSecretName(name, user), user, dbname));
  }

  // The Service appears once the instance was available, and stays through later modifications.
  const serviceObserved = children[SERVICE_KEY]?.[`${namespace}/${name}`] !== undefined;
  if (status.endpoint && (status.dbInstanceStatus === 'available' || serviceObserved)) {
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels },
      spec: {
        type: 'ExternalName',
        externalName: status.endpoint,
        ...(status.port !== undefined ? { ports: [{ name: engine, port: status.port, protocol: 'TCP' }] } : {}),
      },
    });
  }
  // A Secret or Service another object holds is left out (desired() reports the Conflict).
  return withoutForeignChildren(out, parent, children, input.related);
}

/** Conditions key helper for tests and docs. */
export const CHILD_TYPES = [SECRET_KEY, SERVICE_KEY, CONFIGMAP_KEY];
