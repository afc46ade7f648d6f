/** Every DBInstance's Secret names differ from every other's (issue 8 §1: child names collide between parents). */
import t from 'tap';
import { masterSecretName, sqlUserProblem, userSecretName, userSecretNameProblem } from '../../../../hooks/dbinstance/identifiers.js';

t.test('child Secret names are unambiguous across DBInstances once the risky user names are refused', async (t) => {
  // All parent names and user names over a small alphabet that contains the risky words.
  const words = ['shop', 'user', 'master', 'app', 'u'];
  const parents = new Set<string>();
  for (const a of words) {
    parents.add(a);
    for (const b of words) {
      parents.add(`${a}-${b}`);
      for (const c of words) parents.add(`${a}-${b}-${c}`);
    }
  }
  const users = new Set<string>();
  for (const a of words) {
    users.add(a);
    for (const b of words) {
      users.add(`${a}_${b}`);
      for (const c of words) users.add(`${a}_${b}_${c}`);
    }
  }
  const accepted = [...users].filter((u) => !sqlUserProblem(u, 'postgres') && !userSecretNameProblem(u));
  const refused = [...users].filter((u) => userSecretNameProblem(u));
  t.ok(
    refused.includes('app_master') && refused.includes('master') && refused.includes('user_app') && refused.includes('app_user_shop'),
    'the risky names are refused',
  );
  t.ok(accepted.includes('app') && accepted.includes('app_shop'), 'ordinary names are not');
  const owner = new Map<string, string>();
  let clashes = 0;
  for (const p of parents) {
    for (const name of [masterSecretName(p), ...accepted.map((u) => userSecretName(p, u))]) {
      const before = owner.get(name);
      if (before !== undefined && before !== p) clashes++;
      owner.set(name, p);
    }
  }
  t.equal(clashes, 0, `${parents.size} DBInstances × ${accepted.length} users: no Secret name shared`);
  // Without the rule, the example collides.
  t.equal(userSecretName('shop', 'app_master'), masterSecretName('shop-user-app'));
});
