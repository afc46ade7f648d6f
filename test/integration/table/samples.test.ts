/**
 * The Table samples against moto, through the hooks: seed 004's story end to end (the table, the
 * app's Role limited to that table, the Deployment wired to both), and the full inventory table.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import { applyAnswer, testApp } from '../../helpers/app.js';
import type { KubeObject, Parent } from '../../../hooks/core/types.js';
import { CM, configMapData, dynamo, syncUntilReady } from '../../helpers/table-moto.js';

const samples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'manifests', 'samples');
const docs = (file: string) => parseAllDocuments(readFileSync(join(samples, file), 'utf8')).map((d) => d.toJS() as KubeObject);
const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const MOTO_ACCOUNT = '123456789012';
const withUid = (o: KubeObject): Parent => ({ ...o, metadata: { ...o.metadata, uid: `uid-${o.metadata.name}`, generation: 1 } }) as Parent;

t.beforeEach(async () => {
  await resetMoto();
});

t.test("seed 004's story: the table, a Role that may use only that table, a Deployment wired to both", async (t) => {
  const app = await testApp({ oidcProviderArn: `arn:aws:iam::${MOTO_ACCOUNT}:oidc-provider/${ISSUER}`, oidcIssuer: ISSUER });
  t.teardown(() => app.close());
  const [table, role, deployment] = docs('table-dynamo-app.yaml') as [
    KubeObject,
    KubeObject,
    KubeObject & { spec: { template: { spec: { serviceAccountName: string; containers: { envFrom: { configMapRef: { name: string } }[] }[] } } } },
  ];
  t.same([table.kind, role.kind, deployment.kind], ['Table', 'Role', 'Deployment']);
  t.same(
    (table as Parent).spec,
    { hashAttribute: { name: 'name', type: 'S' }, rangeAttribute: { name: 'created_at', type: 'S' }, readCapacityUnits: 5, writeCapacityUnits: 5 },
    "seed 004's spec, as written",
  );

  const ready = await syncUntilReady(app, withUid(table));
  const tableArn = ready.answer.status.tableArn as string;
  t.equal(tableArn, `arn:aws:dynamodb:us-east-1:${MOTO_ACCOUNT}:table/awshooks-default-dynamo-table`);
  const cm = ready.answer.children.find((c) => c.kind === 'ConfigMap')!;
  t.equal(deployment.spec.template.spec.containers[0]!.envFrom[0]!.configMapRef.name, cm.metadata.name, "the Deployment reads the Table's ConfigMap");
  t.same(Object.keys(configMapData(ready.answer)).sort(), ['AWS_REGION', 'TABLE_ARN', 'TABLE_NAME']);

  const roleAnswer = await app.sync('roles', { parent: withUid(role), children: { 'ServiceAccount.v1': {} } });
  const roleReady = (roleAnswer.status.conditions as { type: string; status: string }[]).find((c) => c.type === 'Ready');
  t.equal(roleReady?.status, 'True', JSON.stringify(roleAnswer.status.conditions));
  const sa = roleAnswer.children.find((c) => c.kind === 'ServiceAccount')!;
  t.equal(deployment.spec.template.spec.serviceAccountName, sa.metadata.name, "the Deployment runs as the Role's ServiceAccount");
  t.equal(sa.metadata.annotations?.['eks.amazonaws.com/role-arn'], roleAnswer.status.roleArn);

  // The statement names exactly the table awshooks created (the sample's placeholder account aside).
  const iam = new IAMClient({ region: 'us-east-1', endpoint: motoEndpoint() });
  const inline = await iam.send(new GetRolePolicyCommand({ RoleName: roleAnswer.status.roleName as string, PolicyName: 'dynamo-table-read-write' }));
  const doc = JSON.parse(decodeURIComponent(inline.PolicyDocument!)) as { Statement: { Effect: string; Action: string[]; Resource: string | string[] }[] };
  t.equal(doc.Statement.length, 1);
  const resources = ([] as string[]).concat(doc.Statement[0]!.Resource);
  t.same(
    resources.map((r) => r.replace(':111122223333:', `:${MOTO_ACCOUNT}:`)),
    [tableArn],
    'least privilege: this table only',
  );
  t.notOk(
    doc.Statement[0]!.Action.some((a) => a.includes('*') || /Create|Delete(Table|Backup)|Update(Table|TimeToLive)/.test(a)),
    'item actions only, no wildcard, no table management',
  );
});

t.test('the inventory sample: on demand, two indexes, TTL, PITR, stream, AWS managed key', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const table = docs('table-inventory.yaml').find((d) => d.kind === 'Table')!;
  const ready = await syncUntilReady(app, withUid(table));
  t.equal(ready.syncs, 2, 'created, then TTL and PITR');
  const described = (await dynamo('eu-west-1').send(new DescribeTableCommand({ TableName: 'awshooks-inventory-items' }))).Table!;
  t.same(described.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort(), ['by-category', 'by-warehouse']);
  t.equal(described.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  t.match(described.SSEDescription, { Status: 'ENABLED', SSEType: 'KMS' });
  t.equal(
    (await dynamo('eu-west-1').send(new DescribeTimeToLiveCommand({ TableName: 'awshooks-inventory-items' }))).TimeToLiveDescription?.AttributeName,
    'expires_at',
  );
  t.equal(configMapData(ready.answer).STREAM_ARN, described.LatestStreamArn);
  t.equal(configMapData(ready.answer).AWS_REGION, 'eu-west-1');

  // Converged: the next drift check writes nothing, and deletion cleans up.
  app.clock.advance(31);
  const before = await app.awsCalls();
  const again = await app.sync('tables', { parent: ready.parent, children: ready.children });
  t.equal((await app.awsCalls()) - before, 4, 'DescribeTable, ListTagsOfResource, DescribeTimeToLive, DescribeContinuousBackups');
  const fed = applyAnswer(ready.parent, again, [CM]);
  const fin = await app.sync('tables', { parent: fed.parent, children: fed.children, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true);
});
