/** AWS clients: one SDK client per service and region, reused. */
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';

const dir = mkdtempSync(join(tmpdir(), 'awshooks-config-'));

const tokenFile = join(dir, 'token');

writeFileSync(tokenFile, 'first-token-0123456789\nsecond-token-0123456789\n');

t.test('one SDK client per service and region, reused', async (t) => {
  const aws = new AwsClients({ endpoint: 'http://127.0.0.1:9' });
  t.equal(aws.sqs('eu-west-1'), aws.sqs('eu-west-1'), 'same region: same client');
  t.not(aws.sqs('eu-west-1'), aws.sqs('us-east-1'), 'another region: another client');
  t.equal(aws.iam('us-east-1'), aws.iam('us-east-1'));
  t.equal(aws.rds('eu-west-1'), aws.rds('eu-west-1'));
  aws.destroy();
});
