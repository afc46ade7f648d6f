import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { defaultRepositoryName, ecrNameProblem, repositoryNameFor } from '../../../../hooks/repository/names.js';

const owner = { cluster: 'default', namespace: 'shop', name: 'api', uid: 'u', kind: 'Repository' };

t.test('ECR name rules', async (t) => {
  const cases: [string, RegExp | undefined][] = [
    ['awshooks/shop/api', undefined],
    ['ab', undefined],
    ['a.b_c-d/e', undefined],
    ['a', /2-256/],
    ['a'.repeat(257), /2-256/],
    ['Api', /lower-case/],
    ['a--b', /single \. _ or -/],
    ['a//b', /single/],
    ['/a', /single/],
    ['a/', /single/],
    ['a-', /single/],
  ];
  for (const [name, problem] of cases) {
    if (problem) t.match(ecrNameProblem(name), problem, name);
    else t.equal(ecrNameProblem(name), undefined, name);
  }
});

t.test('derived names: <prefix>/<namespace>/<name>, valid, unique', async (t) => {
  t.equal(defaultRepositoryName('awshooks', 'shop', 'api'), 'awshooks/shop/api');
  t.equal(defaultRepositoryName('awshooks', 'shop', 'web.api-v2'), 'awshooks/shop/web.api-v2');
  const runs = defaultRepositoryName('awshooks', 'team--a', 'my--app');
  t.match(runs, /^awshooks\/team-a\/my-app-[0-9a-f]{8}$/, 'runs of separators collapsed, hashed');
  t.not(runs, defaultRepositoryName('awshooks', 'team-a', 'my-app'), 'and not the same as the name it collapses to');
  const long = defaultRepositoryName('awshooks', 'n'.repeat(63), 'x'.repeat(250));
  t.equal(long.length, 256);
  t.equal(ecrNameProblem(long), undefined);
  t.not(long, defaultRepositoryName('awshooks', 'n'.repeat(63), `${'x'.repeat(249)}y`));
});

t.test('custom names stay in the namespace', async (t) => {
  t.equal(repositoryNameFor({ repositoryName: 'awshooks/shop/base/node' }, DEFAULT_HOOKS_CONFIG, owner), 'awshooks/shop/base/node');
  t.equal(repositoryNameFor({}, DEFAULT_HOOKS_CONFIG, owner), 'awshooks/shop/api');
  t.throws(() => repositoryNameFor({ repositoryName: 'awshooks/other/api' }, DEFAULT_HOOKS_CONFIG, owner), {
    reason: 'InvalidSpec',
    message: /must start with "awshooks\/shop\/"/,
  });
  t.throws(
    () => repositoryNameFor({ repositoryName: 'awshooks/shopping/api' }, DEFAULT_HOOKS_CONFIG, owner),
    { message: /must start with "awshooks\/shop\/"/ },
    'a namespace sharing a beginning',
  );
  t.throws(() => repositoryNameFor({ repositoryName: 'awshooks/shop/a--b' }, DEFAULT_HOOKS_CONFIG, owner), { message: /single/ });
});
