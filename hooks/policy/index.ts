/** The `Policy` kind: a customer-managed IAM policy that Roles of the same namespace attach. */
import { kindNames, type KindDefinition } from '../core/kind.js';
import { AGE_COLUMN, CONDITION_COLUMNS } from '../../schemas/printer-columns.js';
import { IAM_TERMINAL_CODES } from '../iam-common/codes.js';
import { POLICY_SPEC_VALIDATIONS, PolicySpecSchema, PolicyStatusSchema, type PolicySpec, type PolicyStatus } from '../../schemas/policy.js';
import { policyManager } from './aws.js';
import { policyKey, policyOrphanCandidates } from './candidates.js';
import { policyDelta, type PolicyObserved } from './delta.js';
import { desiredPolicy, type PolicyDesired } from './desired.js';
import { policyStatus } from './status.js';

/** Related-object key of Policies (Metacontroller's "<Kind>.<group>/<version>"). */
export const POLICY_RELATED_KEY = 'Policy.iam.awshooks.dev/v1alpha1';

/** The Policy kind definition. */
export const policyKind: KindDefinition<PolicySpec, PolicyDesired, PolicyObserved, PolicyStatus> = {
  names: kindNames({ kind: 'Policy', group: 'iam.awshooks.dev', version: 'v1alpha1', shortNames: ['iampolicy', 'iampolicies'] }),
  specSchema: PolicySpecSchema,
  statusSchema: PolicyStatusSchema,
  specValidations: POLICY_SPEC_VALIDATIONS,
  printerColumns: [
    { name: 'ARN', type: 'string', jsonPath: '.status.arn', description: 'The policy ARN' },
    { name: 'Version', type: 'string', jsonPath: '.status.defaultVersionId', description: 'The default version' },
    { name: 'Attachments', type: 'integer', jsonPath: '.status.attachmentCount', description: 'Entities the policy is attached to' },
    ...CONDITION_COLUMNS,
    AGE_COLUMN,
  ],
  childResources: [],
  terminalCodes: IAM_TERMINAL_CODES,
  // NOTE: IAM throttles account-wide at fixed rates that cannot be raised, and IAM policies rarely
  // drift: check every 10 minutes.
  driftCheckIntervalSeconds: 600,

  desired: desiredPolicy,
  resource: policyManager,
  tagsOf: (observed) => observed.tags,
  delta: (desired, observed, previous) => policyDelta(desired, observed, previous?.managedTagKeys ?? []),
  status: (desired, observed) => policyStatus(desired, observed),
  children: () => [],
  existsPerStatus: (status) => Boolean(status?.arn),
  orphanCandidates: policyOrphanCandidates,
  resourceKey: policyKey,
  alreadyExistsCodes: new Set(['EntityAlreadyExists']),
};
