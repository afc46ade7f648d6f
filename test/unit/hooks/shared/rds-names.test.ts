/** RDS instance identifiers as awshooks derives them (shared by DBInstance and Role's databaseAccess). */
import t from 'tap';
import { defaultInstanceIdentifier, rdsIdentifierProblem, sanitizeRdsIdentifier } from '../../../../hooks/shared/rds-names.js';

t.test("RDS's identifier rules", async (t) => {
  t.equal(rdsIdentifierProblem('awshooks-shop-db'), undefined);
  t.match(rdsIdentifierProblem(''), /1-63 characters/);
  t.match(rdsIdentifierProblem('a'.repeat(64)), /1-63 characters/);
  t.match(rdsIdentifierProblem('1db'), /start with a lower-case letter/);
  t.match(rdsIdentifierProblem('Db'), /start with a lower-case letter/);
  t.match(rdsIdentifierProblem('db_1'), /only lower-case letters, digits and hyphens/);
  t.match(rdsIdentifierProblem('db--1'), /two consecutive hyphens/);
  t.match(rdsIdentifierProblem('db-'), /end with a hyphen/);
  t.equal(rdsIdentifierProblem('x'.repeat(200), 255), undefined, 'snapshot identifiers may be longer');
});

t.test('sanitize: anything into a valid identifier', async (t) => {
  for (const raw of ['My_DB..Name--', '123abc', '---', '', 'a'.repeat(100)]) {
    const id = sanitizeRdsIdentifier(raw);
    t.equal(rdsIdentifierProblem(id), undefined, `${JSON.stringify(raw)} → ${id}`);
  }
  t.equal(sanitizeRdsIdentifier('My_DB'), 'my-db');
  t.equal(sanitizeRdsIdentifier('---'), 'db', 'nothing left: "db"');
});

t.test('derived identifiers: the namespace token keeps namespaces apart, always valid', async (t) => {
  t.equal(defaultInstanceIdentifier('awshooks', 'shop', 'orders'), 'awshooks-shop-orders');
  t.equal(defaultInstanceIdentifier('awshooks', 'team-a', 'shop'), 'awshooks-team01a-shop');
  t.not(defaultInstanceIdentifier('awshooks', 'dev-x', 'app'), defaultInstanceIdentifier('awshooks', 'dev', 'x-app'), 'dev-x/app and dev/x-app differ');
  const long = defaultInstanceIdentifier('awshooks', 'n'.repeat(40), 'a.b--c'.repeat(10));
  t.equal(rdsIdentifierProblem(long), undefined, `${long} is valid`);
  t.ok(long.length <= 63);
});
