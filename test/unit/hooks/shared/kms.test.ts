import t from 'tap';
import { sameKmsKey } from '../../../../hooks/shared/kms.js';

t.test('KMS key references', async (t) => {
  const arn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd';
  const cases: [string | undefined, string | undefined, boolean][] = [
    [undefined, undefined, true],
    [undefined, arn, true],
    ['1234abcd', undefined, false],
    [arn, arn, true],
    ['1234abcd', arn, true],
    [arn, '1234abcd', true],
    ['alias/data', 'arn:aws:kms:eu-west-1:123456789012:alias/data', true],
    ['alias/data', arn, false],
    ['5678', arn, false],
    ['arn:aws:kms:eu-west-1:123456789012:key/5678', arn, false],
  ];
  for (const [desired, observed, same] of cases) t.equal(sameKmsKey(desired, observed), same, `${desired} vs ${observed}`);
});
