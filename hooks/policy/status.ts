/** Pure: a Policy's status fields. A Policy has no children. */
import type { PolicyStatus } from '../../schemas/policy.js';
import type { PolicyObserved } from './delta.js';
import type { PolicyDesired } from './desired.js';

/** The kind's status fields from what IAM reported. */
export function policyStatus(desired: PolicyDesired, observed: PolicyObserved): PolicyStatus {
  return {
    arn: observed.arn,
    policyName: observed.policyName,
    path: observed.path,
    defaultVersionId: observed.defaultVersionId,
    attachmentCount: observed.attachmentCount,
    managedTagKeys: Object.keys(desired.tags).sort(),
  };
}
