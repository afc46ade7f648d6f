import t from 'tap';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import { checkLifecyclePolicy, lifecyclePolicyText, sameLifecyclePolicy, type LifecyclePolicyDocument } from '../../../../hooks/repository/lifecycle.js';
import { RepositorySpecSchema, type RepositorySpec } from '../../../../schemas/repository.js';

const policy = (...rules: Record<string, unknown>[]) =>
  validateSpec<RepositorySpec>(RepositorySpecSchema, { region: 'eu-west-1', lifecyclePolicy: { rules } }).lifecyclePolicy as LifecyclePolicyDocument;
const r = (priority: number, selection: Record<string, unknown>) => ({ rulePriority: priority, selection, action: { type: 'expire' } });
const tagged = { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 10 };
const untagged = { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 };
const any = { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 };

t.test('rules ECR refuses are InvalidSpec naming the field', async (t) => {
  t.doesNotThrow(() => {
    checkLifecyclePolicy(policy(r(1, tagged), r(2, untagged), r(10, any)));
  });
  t.doesNotThrow(() => {
    checkLifecyclePolicy(policy(r(1, { ...tagged, tagPrefixList: undefined, tagPatternList: ['prod-*-v*'] })));
  });
  const invalid: [Record<string, unknown>[], RegExp][] = [
    [[r(1, tagged), r(1, untagged)], /rules\[1\]\.rulePriority: 1 is used by another rule/],
    [[r(1, { ...tagged, tagPrefixList: undefined })], /rules\[0\]\.selection: tagStatus tagged needs exactly one/],
    [[r(1, { ...tagged, tagPatternList: ['v*'] })], /needs exactly one of tagPrefixList and tagPatternList/],
    [[r(1, { ...untagged, tagPrefixList: ['v'] })], /tagStatus untagged takes neither/],
    [[r(1, { ...untagged, countUnit: undefined })], /countUnit: required with countType sinceImagePushed/],
    [[r(1, { ...tagged, countUnit: 'days' })], /countUnit: not allowed with countType imageCountMoreThan/],
    [[r(1, { ...tagged, tagPrefixList: undefined, tagPatternList: ['a*b*c*d*e*'] })], /tagPatternList\[0\]: at most 4 wildcards/],
    [[r(5, any), r(6, untagged)], /rules\[0\]\.rulePriority: a tagStatus any rule must have the highest rulePriority \(6 is higher\)/],
    [[r(1, { ...any, countNumber: 5 }), r(2, any)], /rules\[0\]\.rulePriority: a tagStatus any rule must have the highest/],
  ];
  for (const [rules, message] of invalid)
    t.throws(
      () => {
        checkLifecyclePolicy(policy(...rules));
      },
      { reason: 'InvalidSpec', message },
      JSON.stringify(rules),
    );
  t.throws(() => policy(r(0, tagged)), { message: /rulePriority/ }, 'the schema bounds priorities');
  t.throws(() => policy(r(1, { ...tagged, countNumber: 0 })), { message: /countNumber/ });
  t.throws(() => policy({ ...r(1, tagged), action: { type: 'delete' } }), { message: /type/ });
  t.throws(() => policy(r(1, { ...tagged, tagStatus: 'all' })), { message: /tagStatus/ });
  const many = Array.from({ length: 100 }, (_, i) => r(i + 1, { ...tagged, tagPrefixList: Array.from({ length: 100 }, (_, j) => `p${i}-${j}-`) }));
  t.throws(
    () => {
      checkLifecyclePolicy(policy(...many));
    },
    { message: /characters; ECR allows 30720/ },
  );
});

t.test('the text ECR gets, and comparison by meaning', async (t) => {
  const p = policy(r(2, untagged), r(1, tagged));
  t.same(
    JSON.parse(lifecyclePolicyText(p)).rules.map((x: { rulePriority: number }) => x.rulePriority),
    [1, 2],
    'rules by priority',
  );
  const stored = JSON.stringify({
    rules: [
      { action: { type: 'expire' }, selection: { countNumber: 14, countUnit: 'days', countType: 'sinceImagePushed', tagStatus: 'untagged' }, rulePriority: 2 },
      { rulePriority: 1, selection: { ...tagged }, action: { type: 'expire' } },
    ],
  });
  t.ok(sameLifecyclePolicy(p, JSON.parse(stored)), 'key and rule order do not count');
  t.ok(
    sameLifecyclePolicy(policy(r(1, { ...tagged, tagPrefixList: ['b', 'a'] })), { rules: [r(1, { ...tagged, tagPrefixList: ['a', 'b'] })] }),
    'prefix lists are sets',
  );
  t.notOk(sameLifecyclePolicy(p, { rules: [r(1, tagged)] }), 'a rule missing');
  t.notOk(sameLifecyclePolicy(p, { rules: [r(1, { ...tagged, countNumber: 11 }), r(2, untagged)] }), 'another count');
  t.notOk(sameLifecyclePolicy(p, null));
  t.notOk(sameLifecyclePolicy(p, {}), 'unparsable');
});
