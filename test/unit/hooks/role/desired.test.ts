/** A Role references only Policies of its own namespace, by valid names. */
import t from 'tap';
import type { ObjectMap } from '../../../../hooks/core/types.js';
import { POLICY_RELATED_KEY, resolvePolicies } from '../../../../hooks/role/desired.js';

const policy = (namespace: string | undefined, name: string): ObjectMap[string][string] => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Policy',
  metadata: { name, ...(namespace !== undefined ? { namespace } : {}) },
  status: { arn: `arn:aws:iam::123456789012:policy/awshooks/awshooks-${namespace ?? 'x'}-${name}`, conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
});

t.test('a related Policy whose own namespace is another is never used, whatever key it arrives under', async (t) => {
  const related = { [POLICY_RELATED_KEY]: { 'team-a/p': policy('team-b', 'p') } };
  t.throws(() => resolvePolicies(['p'], 'team-a', related), { reason: 'DependencyNotReady', message: /waiting for Policy/ });
  t.same(resolvePolicies(['p'], 'team-a', { [POLICY_RELATED_KEY]: { 'team-a/p': policy('team-a', 'p') } }), ['arn:aws:iam::123456789012:policy/awshooks/awshooks-team-a-p']);
  t.same(resolvePolicies(['p'], 'team-a', { [POLICY_RELATED_KEY]: { 'team-a/p': policy(undefined, 'p') } }), ['arn:aws:iam::123456789012:policy/awshooks/awshooks-x-p'], 'no namespace in metadata: the key decides');
});

t.test('an invalid Policy name is InvalidSpec, not a wait', async (t) => {
  t.throws(() => resolvePolicies(['Bad_Name'], 'team-a', {}), { reason: 'InvalidSpec', message: /spec.policies/ });
  t.throws(() => resolvePolicies(['team-b/p'], 'team-a', {}), { reason: 'InvalidSpec', message: /spec.policies/ });
});
