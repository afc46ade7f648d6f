import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { ObjectMap, Parent } from '../../../../hooks/core/types.js';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import { dbInstanceChildren, secretData } from '../../../../hooks/dbinstance/status.js';
import { DBInstanceSpecSchema, type DBInstanceSpec, type DBInstanceStatus } from '../../../../schemas/dbinstance.js';
import { dbOwner as owner } from '../../../helpers/dbinstance.js';

t.test('children: Secrets reuse observed passwords, Service only once available', async (t) => {
  const spec = validateSpec<DBInstanceSpec>(DBInstanceSpecSchema, { users: { app_rw: [] }, databases: { orders: ['app_rw'] } });
  const parent = {
    apiVersion: 'rds.awshooks.dev/v1alpha1',
    kind: 'DBInstance',
    metadata: { name: 'orders', namespace: 'team-a', uid: owner.uid },
    spec,
  } as Parent<DBInstanceSpec, DBInstanceStatus>;
  let n = 0;
  const gen = () => `Generated-pw-${++n}xx`;
  const first = dbInstanceChildren({ parent, spec, status: {}, desired: undefined, children: {}, config: DEFAULT_HOOKS_CONFIG, now: new Date() }, gen);
  t.same(
    first.map((c) => `${c.kind}/${c.metadata.name}`),
    ['Secret/orders-master', 'Secret/orders-user-app-rw'],
  );
  const data = first[0]!.data as Record<string, string>;
  t.same(Object.keys(data).sort(), ['dbname', 'engine', 'host', 'password', 'port', 'url', 'username']);
  t.equal(Buffer.from(data.password!, 'base64').toString(), 'Generated-pw-1xx');
  t.equal(Buffer.from(data.host!, 'base64').toString(), '', 'host empty until known');
  t.equal(Buffer.from((first[1]!.data as Record<string, string>).dbname!, 'base64').toString(), 'orders', 'a user Secret names its first granted database');

  const observed: ObjectMap = {
    'Secret.v1': Object.fromEntries(first.map((c) => [`team-a/${c.metadata.name}`, { ...c, metadata: { ...c.metadata, namespace: 'team-a' } }])),
    'Service.v1': {},
  };
  const status: DBInstanceStatus = { endpoint: 'db.example', port: 5432, dbInstanceStatus: 'creating' };
  const again = dbInstanceChildren({ parent, spec, status, desired: undefined, children: observed, config: DEFAULT_HOOKS_CONFIG, now: new Date() }, gen);
  t.equal(Buffer.from((again[0]!.data as Record<string, string>).password!, 'base64').toString(), 'Generated-pw-1xx', 'never regenerated');
  t.equal(again.length, 2, 'no Service before available');
  const avail = dbInstanceChildren(
    {
      parent,
      spec,
      status: { ...status, dbInstanceStatus: 'available' },
      desired: undefined,
      children: observed,
      config: DEFAULT_HOOKS_CONFIG,
      now: new Date(),
    },
    gen,
  );
  t.match(avail[2], { kind: 'Service', metadata: { name: 'orders' }, spec: { type: 'ExternalName', externalName: 'db.example' } });
  t.equal(Buffer.from((avail[0]!.data as Record<string, string>).url!, 'base64').toString(), 'postgresql://sysadmin:Generated-pw-1xx@db.example:5432/postgres');
  observed['Service.v1'] = { 'team-a/orders': avail[2]! };
  const modifying = dbInstanceChildren(
    {
      parent,
      spec,
      status: { ...status, dbInstanceStatus: 'modifying' },
      desired: undefined,
      children: observed,
      config: DEFAULT_HOOKS_CONFIG,
      now: new Date(),
    },
    gen,
  );
  t.equal(modifying.length, 3, 'the Service stays while modifying');
  t.same(
    dbInstanceChildren({ parent, spec: undefined, status: {}, desired: undefined, children: observed, config: DEFAULT_HOOKS_CONFIG, now: new Date() }),
    [],
    'invalid spec: nothing computed (the core keeps observed children)',
  );
  t.equal(Object.keys(secretData({ engine: 'mysql', username: 'u', password: 'p', host: '', port: '', dbname: '' })).length, 7);
});
