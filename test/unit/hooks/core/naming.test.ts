/**
 * Derived AWS names never collide across namespaces (issue 8 §1), for every kind: the namespace
 * is written as a token without `-`, so `<prefix>-<token>-` starts only that namespace's names.
 */
import t from 'tap';
import { inNamespaceNames, namespaceNamePrefix, scopedName, deriveName } from '../../../../hooks/core/naming.js';
import { defaultQueueName, legacyQueueName, sqsNameScheme } from '../../../../hooks/queue/desired.js';
import { iamNameScheme, legacyPolicyName, legacyRoleName, policyNameFor, roleNameFor } from '../../../../hooks/iam-common/names.js';
import { defaultInstanceIdentifier, legacyInstanceIdentifier, RDS_NAME_SCHEME, rdsIdentifierProblem } from '../../../../hooks/dbinstance/identifiers.js';

/** Every kind's derivation, by a label. */
const KINDS: [string, (prefix: string, namespace: string, name: string) => string][] = [
  ['queue', (p, ns, n) => defaultQueueName(p, ns, n, false)],
  ['fifo queue', (p, ns, n) => defaultQueueName(p, ns, n, true)],
  ['IAM policy', policyNameFor],
  ['IAM role', roleNameFor],
  ['RDS instance', defaultInstanceIdentifier],
];

/** A small deterministic random source. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

t.test('names collide across namespaces: dev-x/app and dev/x-app get different names, for every kind', async (t) => {
  for (const [kind, derive] of KINDS) {
    t.not(derive('awshooks', 'dev-x', 'app'), derive('awshooks', 'dev', 'x-app'), kind);
    t.not(derive('awshooks', 'a-b', 'c-d'), derive('awshooks', 'a', 'b-c-d'), `${kind}: a-b/c-d vs a/b-c-d`);
    t.not(derive('awshooks', 'team0', 'x'), derive('awshooks', 'team', '0-x'), `${kind}: digits next to hyphens`);
  }
});

t.test('the new encoding: readable, and unchanged for namespaces without hyphens', async (t) => {
  t.equal(defaultQueueName('awshooks', 'shop', 'orders', false), 'awshooks-shop-orders');
  t.equal(defaultQueueName('awshooks', 'team-a', 'orders', false), 'awshooks-team_a-orders');
  t.equal(defaultQueueName('awshooks', 'team-a', 'orders.v2', true), 'awshooks-team_a-orders_v2.fifo', 'dots written as _ (lossless for SQS)');
  t.equal(policyNameFor('awshooks', 'team-a', 'ddd'), 'awshooks-team_a-ddd');
  t.equal(roleNameFor('awshooks', 'default', 'a.b'), 'awshooks-default-a.b', 'IAM keeps dots');
  t.equal(defaultInstanceIdentifier('awshooks', 'team-a', 'orders'), 'awshooks-team01a-orders');
  t.equal(defaultInstanceIdentifier('awshooks', 'team0', 'orders'), 'awshooks-team00-orders');
  t.equal(defaultInstanceIdentifier('awshooks', 'shop', 'orders'), 'awshooks-shop-orders');
  t.match(defaultInstanceIdentifier('awshooks', 'shop', 'orders.db'), /^awshooks-shop-orders-db-[0-9a-f]{8}$/, 'a rewritten name gets a hash');
  // Namespaces without hyphens (and, for RDS, without zeros) keep the pre-token names.
  for (const [ns, name] of [
    ['shop', 'orders'],
    ['default', 'fff'],
    ['payments', 'a-b-c'],
  ]) {
    t.equal(defaultQueueName('awshooks', ns!, name!, false), legacyQueueName('awshooks', ns!, name!, false));
    t.equal(policyNameFor('awshooks', ns!, name!), legacyPolicyName('awshooks', ns!, name!));
    t.equal(roleNameFor('awshooks', ns!, name!), legacyRoleName('awshooks', ns!, name!));
    t.equal(defaultInstanceIdentifier('awshooks', ns!, name!), legacyInstanceIdentifier('awshooks', ns!, name!));
  }
});

t.test("no collision across namespaces, and every name only in its own namespace's names (generated cases)", async (t) => {
  const rand = rng(8);
  const pick = (chars: string, min: number, max: number) => {
    const n = min + Math.floor(rand() * (max - min + 1));
    let s = '';
    for (let i = 0; i < n; i++) s += chars.charAt(Math.floor(rand() * chars.length));
    return s;
  };
  // Short alphabets with hyphens and zeros make near-collisions likely; long parts force cutting.
  const label = (max: number) => `a${pick('a0-', 0, max)}`.replace(/-+$/, '') || 'a';
  const objectName = (max: number) => `${pick('ab0-.', 0, max)}b`.replace(/^[-.]+/, 'x').replace(/\.\.|\.-|-\./g, 'x');
  const pairs = new Set<string>();
  for (let i = 0; i < 4000; i++) pairs.add(`${label(i % 3 === 0 ? 62 : 5)}/${objectName(i % 5 === 0 ? 120 : 6)}`);
  const schemes: [string, (ns: string, n: string) => string, (ns: string) => string, typeof RDS_NAME_SCHEME][] = [
    ['queue', (ns, n) => defaultQueueName('awshooks', ns, n, false), (ns) => namespaceNamePrefix('awshooks', ns, sqsNameScheme(false)), sqsNameScheme(false)],
    ['role', (ns, n) => roleNameFor('awshooks', ns, n), (ns) => namespaceNamePrefix('awshooks', ns, iamNameScheme(64)), iamNameScheme(64)],
    ['rds', (ns, n) => defaultInstanceIdentifier('awshooks', ns, n), (ns) => namespaceNamePrefix('awshooks', ns, RDS_NAME_SCHEME), RDS_NAME_SCHEME],
  ];
  for (const [kind, derive, , scheme] of schemes) {
    const seen = new Map<string, string>();
    let crossNamespace = 0;
    let invalid = 0;
    let outside = 0;
    for (const pair of pairs) {
      const [ns, name] = pair.split('/') as [string, string];
      const aws = derive(ns, name);
      const before = seen.get(aws);
      if (before !== undefined && before.split('/')[0] !== ns) crossNamespace++;
      seen.set(aws, pair);
      if (kind === 'rds' && rdsIdentifierProblem(aws)) invalid++;
      if (aws.length > scheme.maxLength) invalid++;
      // A name whose namespace token was kept whole lies in its own namespace's names and no other's.
      const head = namespaceNamePrefix('awshooks', ns, scheme);
      if (aws.startsWith(head)) {
        for (const other of ['a', 'a-a', 'a0', `${ns}-a`, ns.replace(/-[^-]*$/, '')]) {
          if (other !== ns && other !== '' && inNamespaceNames(aws, 'awshooks', other, scheme)) outside++;
        }
      }
    }
    t.equal(crossNamespace, 0, `${kind}: no two namespaces share a name (${pairs.size} objects)`);
    t.equal(invalid, 0, `${kind}: every name within the service's rules`);
    t.equal(outside, 0, `${kind}: no name lies in another namespace's names`);
  }
});

t.test('cut names: 8 hex characters while the namespace token is whole, 16 when it was cut', async (t) => {
  const scheme = sqsNameScheme(false);
  const longName = scopedName('awshooks', 'shop', 'n'.repeat(100), scheme);
  t.equal(longName.length, 80);
  t.match(longName, /^awshooks-shop-n+-[0-9a-f]{8}$/);
  const longNamespace = scopedName('awshooks', 'x'.repeat(63), 'orders', RDS_NAME_SCHEME);
  t.equal(longNamespace.length, 63);
  t.match(longNamespace, /-[0-9a-f]{16}$/, 'the token did not fit: a 64-bit suffix, too long to search a collision for');
  t.not(scopedName('awshooks', 'x'.repeat(63), 'orders', RDS_NAME_SCHEME), scopedName('awshooks', 'x'.repeat(62) + 'y', 'orders', RDS_NAME_SCHEME));
  t.equal(scopedName('awshooks', 'shop', 'n'.repeat(100), scheme), longName, 'deterministic');
});

t.test('deriveName keeps short names and cuts long ones with a hash suffix', async (t) => {
  const rules = { maxLength: 80, invalidChars: /[^A-Za-z0-9_-]/g };
  const cases: [string[], string][] = [
    [['awshooks', 'shop', 'orders'], 'awshooks-shop-orders'],
    [['awshooks', 'shop', 'a.b'], 'awshooks-shop-a-b'],
    [['p', '', 'x'], 'p-x'],
  ];
  for (const [parts, want] of cases) t.equal(deriveName(parts, rules), want, parts.join('/'));
  const long = deriveName(['awshooks', 'n'.repeat(60), 'q'.repeat(60)], rules);
  t.equal(long.length, 80, 'cut to the limit');
  t.match(long, /^awshooks-n+(-q+)?-[0-9a-f]{8}$/, 'ends with a hash');
  const other = deriveName(['awshooks', 'n'.repeat(60), 'q'.repeat(59) + 'r'], rules);
  t.not(long, other, 'names sharing a long beginning still differ');
  const fifo = deriveName(['awshooks', 'n'.repeat(60), 'q'.repeat(60)], { ...rules, suffix: '.fifo' });
  t.equal(fifo.length, 80, 'suffix counts towards the limit');
  t.ok(fifo.endsWith('.fifo'));
  t.equal(deriveName(['awshooks', 'n'.repeat(60), 'q'.repeat(60)], rules), long, 'deterministic');
});
