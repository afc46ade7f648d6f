/** The Role spec schema. */
import t from 'tap';
import { validateSpec } from '../../../hooks/core/spec-validation.js';
import { RoleSpecSchema, type RoleSpec } from '../../../schemas/role.js';

function specError(schema: Parameters<typeof validateSpec>[0], spec: unknown): string | undefined {
  try {
    validateSpec(schema, spec);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

t.test('Role spec', async (t) => {
  const full = validateSpec<RoleSpec>(RoleSpecSchema, {});
  t.same(
    full,
    { maxSessionDuration: 3600, serviceAccount: { manage: true }, deletionPolicy: 'Delete', adopt: false },
    'defaults, serviceAccount.manage included',
  );
  const bad: [unknown, RegExp][] = [
    [{ serviceAccountName: 'system:serviceaccount:kube-system:x' }, /serviceAccountName: must match pattern/],
    [{ serviceAccountName: 'other/x' }, /serviceAccountName: must match pattern/],
    [{ maxSessionDuration: 60 }, /maxSessionDuration: must be >= 3600/],
    [{ maxSessionDuration: 86400 }, /maxSessionDuration: must be <= 43200/],
    [{ managedPolicyArns: ['arn:aws:s3:::bucket'] }, /managedPolicyArns\.0: must match pattern/],
    [{ inlinePolicies: { x: { Statement: [{ Effect: 'Allow', Action: 'a', Resource: '*', Principal: '*' }] } } }, /unknown field "Principal"/],
    [{ trustPolicy: {} }, /unknown field "trustPolicy"/],
    [{ serviceAccount: { manage: 'yes' } }, /manage: must be boolean/],
  ];
  for (const [spec, message] of bad) t.match(specError(RoleSpecSchema, spec), message, JSON.stringify(spec));
});
