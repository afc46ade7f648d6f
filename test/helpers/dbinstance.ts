/** Driving a DBInstance in integration tests: its Secrets, and the first syncs up to a created instance. */
import { dbInstanceKind } from '../../hooks/dbinstance/index.js';
import { masterSecretName, userSecretName } from '../../hooks/dbinstance/identifiers.js';
import type { SyncResponse } from '../../hooks/core/types.js';
import type { TestApp } from './app.js';
import { parentOf, ParentDriver, randomUid } from './integration.js';

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
