import t from 'tap';
import { desiredQueue } from '../../../../hooks/queue/desired.js';
import { queueDelta } from '../../../../hooks/queue/delta.js';
import { queueInput as input } from '../../../helpers/queue.js';

t.test('delta compares by meaning and only touches what differs', async (t) => {
  const d = desiredQueue(
    input({
      region: 'eu-west-1',
      visibilityTimeout: 60,
      deadLetter: { targetArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq', maxReceiveCount: 3 },
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }] },
      tags: { team: 'a' },
    }),
  );
  const converged = {
    url: 'u',
    attributes: {
      VisibilityTimeout: '60',
      DelaySeconds: '0',
      RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:dlq","maxReceiveCount":"3"}',
      Policy: JSON.stringify({ Statement: { Resource: ['*'], Action: ['sqs:SendMessage'], Principal: '*', Effect: 'Allow' }, Version: '2012-10-17' }),
    },
    tags: { ...d.tags, ...d.ownerTags, other: 'theirs' },
  };
  const none = queueDelta(d, converged, ['team']);
  t.same(none.paths, [], 'converged: no write (string counts, reordered policy, tags set by others)');
  const drifted = queueDelta(
    d,
    { ...converged, attributes: { ...converged.attributes, VisibilityTimeout: '30', Policy: '' }, tags: { team: 'b', other: 'theirs' } },
    ['team', 'old'],
  );
  t.same(drifted.paths.sort(), ['attributes.Policy', 'attributes.VisibilityTimeout', 'tags']);
  t.equal(drifted.attributes.VisibilityTimeout, '60');
  t.same(JSON.parse(drifted.attributes.Policy!), d.policy);
  t.same(drifted.tagsToAdd, { team: 'a', ...d.ownerTags }, 'owner tags put back');
  t.same(drifted.tagsToRemove, [], 'a previously managed key that is absent needs no removal');
  const removed = queueDelta(d, { ...converged, tags: { ...converged.tags, old: 'x' } }, ['team', 'old']);
  t.same(removed.tagsToRemove, ['old'], 'a tag we set before and the spec dropped is removed');
  const redrive = queueDelta(
    d,
    {
      ...converged,
      attributes: { ...converged.attributes, RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:dlq","maxReceiveCount":5}' },
    },
    ['team'],
  );
  t.same(redrive.paths, ['attributes.RedrivePolicy']);
});
