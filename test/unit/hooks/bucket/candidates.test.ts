/** What a Bucket looks for in AWS when its spec cannot be read (finalize of an invalid spec). */
import t from 'tap';
import { bucketKey, bucketOrphanCandidates } from '../../../../hooks/bucket/candidates.js';
import { defaultBucketName } from '../../../../hooks/bucket/names.js';
import { OWNER_TAGS } from '../../../../hooks/core/ownership.js';
import { orphanInput } from '../../../helpers/orphan-input.js';

const keys = (c: { region: string; bucketName: string }[]) => c.map(bucketKey);
const derived = defaultBucketName('awshooks', 'team-a', 'orders');

t.test('the status name first, in the status region', async (t) => {
  t.same(keys(bucketOrphanCandidates(orphanInput({ versioning: 5 }, { bucketName: 'awshooks-team-a-x', region: 'eu-west-1' }))), [
    'eu-west-1/awshooks-team-a-x',
  ]);
});

t.test('no status: the raw spec name (under the prefix) and the derived one', async (t) => {
  t.same(keys(bucketOrphanCandidates(orphanInput({ region: 'eu-west-2', bucketName: 'awshooks-team-a-logs' }))), [
    'eu-west-2/awshooks-team-a-logs',
    `eu-west-2/${derived}`,
  ]);
  t.same(keys(bucketOrphanCandidates(orphanInput({}))), [`us-east-1/${derived}`], 'nothing readable: the derived name in the default region');
});

t.test('never a name outside the prefix or one S3 refuses, whatever status or spec say', async (t) => {
  t.same(keys(bucketOrphanCandidates(orphanInput({ bucketName: 'someone-elses-bucket' }, { bucketName: 'prod-data' }))), [`us-east-1/${derived}`]);
  t.same(keys(bucketOrphanCandidates(orphanInput({ bucketName: 'awshooks-UPPER' }, { bucketName: 'awshooks-..bad' }))), [`us-east-1/${derived}`]);
});

t.test('what finalize needs: owner tags to prove ownership, tags only, deletionPolicy as written', async (t) => {
  const [c] = bucketOrphanCandidates(orphanInput({}, undefined, 'Retain'));
  t.equal(c?.deletionPolicy, 'Retain');
  t.equal(c?.finalizing, true, 'finalize reads the tags only');
  t.equal(c?.ownerTags[OWNER_TAGS.namespace], 'team-a');
  t.equal(c?.ownerTags[OWNER_TAGS.name], 'orders');
  t.equal(c?.bucketArn, `arn:aws:s3:::${derived}`);
  t.equal(
    bucketOrphanCandidates(orphanInput({}, undefined, 'Bogus'))[0]?.deletionPolicy,
    'Delete',
    'the core passes only Delete or Retain; anything else reads as Delete',
  );
  t.equal(bucketOrphanCandidates(orphanInput({ region: 'cn-north-1' }))[0]?.bucketArn, `arn:aws-cn:s3:::${derived}`, 'partition of the region');
});
