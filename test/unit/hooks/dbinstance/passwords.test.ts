/** DBInstance passwords: rules, generation, hashes, connection URLs. */
import t from 'tap';
import { connectionUrl, generatePassword, PASSWORD_ALPHABET, passwordHash, passwordProblem } from '../../../../hooks/dbinstance/passwords.js';

t.test('password rules', async (t) => {
  for (let i = 0; i < 200; i++) {
    const p = generatePassword();
    t.equal(passwordProblem(p), undefined, 'generated passwords follow the rules');
    if (i === 0) t.equal(p.length, 32);
  }
  for (const ch of '/"@ \'\\') t.notOk(PASSWORD_ALPHABET.includes(ch), `alphabet excludes ${JSON.stringify(ch)}`);
  t.not(generatePassword(), generatePassword(), 'random');
  // rejection sampling: a byte stream of only rejected values then valid ones still yields the length
  const bytes = [255, 255, 0, 1, 2];
  let k = 0;
  t.equal(
    generatePassword(3, (n) => Buffer.from(Array.from({ length: n }, () => bytes[k++ % bytes.length]!))),
    'ABC',
  );

  const cases: [string, string | undefined][] = [
    ['abcdefgh', undefined],
    ['a'.repeat(41), undefined],
    ['abcdefg', 'must be 8-41 characters'],
    ['a'.repeat(42), 'must be 8-41 characters'],
    ['abcd/efgh', 'must not contain /, ", @ or a space'],
    ['abcd"efgh', 'must not contain /, ", @ or a space'],
    ['abcd@efgh', 'must not contain /, ", @ or a space'],
    ['abcd efgh', 'must not contain /, ", @ or a space'],
    ["abc'def\\gh", undefined],
    ['abcdéfgh', 'must contain only printable ASCII characters'],
    ['abcd\nefgh', 'must contain only printable ASCII characters'],
  ];
  for (const [p, want] of cases) t.equal(passwordProblem(p), want, JSON.stringify(p));

  t.equal(passwordHash('pw', 'uid1'), passwordHash('pw', 'uid1'));
  t.not(passwordHash('pw', 'uid1'), passwordHash('pw', 'uid2'), 'salted with the uid');
  t.match(passwordHash('pw', 'uid1'), /^[0-9a-f]{16}$/);
  t.equal(connectionUrl('postgres', 'u', 'p%:#?', 'h', '5432', 'db'), 'postgresql://u:p%25%3A%23%3F@h:5432/db');
  t.equal(connectionUrl('mysql', 'u', 'p', '', '', ''), '', 'no host yet → empty url');
});
