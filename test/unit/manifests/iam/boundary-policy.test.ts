import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamDir } from '../../../helpers/manifests.js';

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

const readPolicy = (name: string): PolicyDocument => JSON.parse(readFileSync(join(iamDir, name), 'utf8')) as PolicyDocument;

t.test('IAM boundary policy denies identity and account control', async (t) => {
  const policy = readPolicy('awshooks-boundary-policy.json');
  t.equal(policy.Version, '2012-10-17', 'policy language version 2012-10-17');
  const denied = new Set(policy.Statement.filter((s) => s.Effect === 'Deny' && list(s.Resource).includes('*')).flatMap((s) => list(s.Action)));
  for (const a of ['iam:*', 'organizations:*', 'account:*']) t.ok(denied.has(a), `denies ${a} on everything`);
  const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action));
  t.ok(allowed.length > 0, 'allows some data-plane actions');
  t.notOk(
    allowed.some((a) => a === '*' || a.endsWith(':*')),
    'allows no whole service',
  );
  t.notOk(
    allowed.some((a) => /^(iam|organizations|account|sts:AssumeRole)/.test(a)),
    'allows nothing on IAM, Organizations, the account or role chaining',
  );
});
