import t from 'tap';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import type { Parent } from '../../../../hooks/core/types.js';
import { type RoleObserved } from '../../../../hooks/role/delta.js';
import { desiredRole } from '../../../../hooks/role/desired.js';
import { roleChildren, roleStatus } from '../../../../hooks/role/status.js';
import { RoleSpecSchema, type RoleSpec, type RoleStatus } from '../../../../schemas/role.js';
import { iamConfig as config, policyDoc as doc, roleInput } from '../../../helpers/iam.js';

t.test('Role status and ServiceAccount child', async (t) => {
  const desired = desiredRole(roleInput({ inlinePolicies: { a: doc(), b: doc('sqs:*') }, tags: { team: 'x' } }));
  const observed: RoleObserved = {
    arn: 'arn:aws:iam::123456789012:role/awshooks/awshooks-default-fff',
    roleName: 'awshooks-default-fff',
    path: '/awshooks/',
    trustPolicy: desired.trustPolicy,
    maxSessionDuration: 3600,
    tags: {},
    attachedPolicyArns: ['b', 'a'],
    inlinePolicyNames: ['b', 'a'],
  };
  const status = roleStatus(desired, observed);
  t.same(status, {
    roleArn: observed.arn,
    roleName: 'awshooks-default-fff',
    attachedPolicyArns: ['a', 'b'],
    inlinePolicyNames: ['a', 'b'],
    inlinePolicyHashes: desired.inlinePolicyHashes,
    serviceAccountName: 'fff',
    serviceAccountAnnotation: `eks.amazonaws.com/role-arn: ${observed.arn}`,
    managedTagKeys: ['team'],
  });
  t.same(
    Object.keys(roleStatus(desired, { ...observed, inlinePolicyNames: ['a'] }).inlinePolicyHashes ?? {}),
    ['a'],
    'only hashes of documents present on the role',
  );

  const parent = { apiVersion: 'iam.awshooks.dev/v1alpha1', kind: 'Role', metadata: { name: 'fff', namespace: 'default' }, spec: {} } as Parent<
    RoleSpec,
    RoleStatus
  >;
  const children = (spec: RoleSpec | undefined, st: RoleStatus, rawSpec: unknown = spec ?? {}) =>
    roleChildren({ parent: { ...parent, spec: rawSpec as RoleSpec }, spec, status: st, desired: undefined, children: {}, config, now: new Date() });
  const spec = validateSpec<RoleSpec>(RoleSpecSchema, {});
  t.same(children(spec, {}), [], 'no ServiceAccount before the ARN is known');
  t.same(children(spec, status), [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'fff',
        labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Role', 'awshooks.dev/owner-name': 'fff' },
        annotations: { 'eks.amazonaws.com/role-arn': observed.arn },
      },
    },
  ]);
  t.same(children(validateSpec<RoleSpec>(RoleSpecSchema, { serviceAccount: { manage: false } }), status), [], 'manage: false → no child');
  t.equal(children(undefined, status, { serviceAccount: 'garbage' })[0]?.metadata.name, 'fff', 'an invalid spec never makes children throw');
  t.same(children(undefined, status, { serviceAccount: { manage: false } }), [], 'an invalid spec that says manage: false');
  t.same(children(undefined, status, null), children(spec, status), 'no spec at all');
});
