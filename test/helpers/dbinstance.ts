/** DBInstance fixtures: the unit tests' desired-state inputs, and driving a DBInstance in integration tests (its Secrets, the first syncs up to a created instance). */
import { dbInstanceKind } from '../../hooks/dbinstance/index.js';
import { masterSecretName, userSecretName } from '../../hooks/dbinstance/identifiers.js';
import type { TestApp } from './app.js';
import { parentOf, ParentDriver, randomUid } from './integration.js';
import { DEFAULT_HOOKS_CONFIG } from '../../hooks/core/config.js';
import type { DesiredInput } from '../../hooks/core/kind.js';
import type { ObjectMap, Owner, Parent, SyncResponse } from '../../hooks/core/types.js';
import { validateSpec } from '../../hooks/core/spec-validation.js';
import { DBInstanceSpecSchema, type DBInstanceSpec, type DBInstanceStatus } from '../../schemas/dbinstance.js';

/** A DBInstance of namespace team-a, driven like Metacontroller does. */
export class DBInstanceDriver extends ParentDriver {
  constructor(app: TestApp, name: string, spec: Record<string, unknown>) {
    super(app, dbInstanceKind, parentOf(dbInstanceKind, { name, namespace: 'team-a', uid: randomUid() }, spec));
  }

  /** The person (here: the test) sets the master password: the test server's admin password. */
  setMasterPassword(password: string): void {
    this.setSecretValue(masterSecretName(this.parent.metadata.name), 'password', password);
  }

  /** A user's password, from the user's Secret child. */
  password(user: string): string {
    return this.secret(userSecretName(this.parent.metadata.name, user))!.password!;
  }

  /** First sync (the master Secret only), then the master password, then create and in-database work. */
  async bringUp(masterPassword: string): Promise<SyncResponse> {
    await this.sync();
    this.setMasterPassword(masterPassword);
    return this.sync();
  }
}

/** The owner of the test DBInstance (unit tests). */
export const dbOwner: Owner = { cluster: 'default', namespace: 'team-a', name: 'orders', uid: '1234abcd-0000-4000-8000-000000000001', kind: 'DBInstance' };

/** Base64, as Secret data holds it. */
export const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The master Secret child holding this password. */
export function masterSecret(password: string): ObjectMap {
  return {
    'Secret.v1': {
      'team-a/orders-master': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-master', namespace: 'team-a' }, data: { password: b64(password) } },
    },
  };
}

/** The desired-state input of a DBInstance spec (schema defaults applied, as the core does). */
export function dbInstanceInput(
  spec: Record<string, unknown>,
  children: ObjectMap = masterSecret('Sup3r-secret-pw'),
  status?: DBInstanceStatus,
  finalizing = false,
): DesiredInput<DBInstanceSpec, DBInstanceStatus> {
  const full = validateSpec<DBInstanceSpec>(DBInstanceSpecSchema, spec);
  const parent = {
    apiVersion: 'rds.awshooks.dev/v1alpha1',
    kind: 'DBInstance',
    metadata: { name: 'orders', namespace: 'team-a', uid: dbOwner.uid },
    spec: full,
    ...(status ? { status } : {}),
  } as Parent<DBInstanceSpec, DBInstanceStatus>;
  return { parent, spec: full, children, related: {}, config: DEFAULT_HOOKS_CONFIG, owner: dbOwner, finalizing, now: new Date() };
}
