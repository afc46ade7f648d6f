/**
 * Tenant isolation of the ARNs a spec may name (DESIGN.md §3.3-3.4): an SNS topic or SQS queue
 * ARN given in a spec must carry one of the namespace's own derived names
 * (`<prefix>-<namespace token>-…`, core/naming.ts, in the service's own account), unless the
 * cluster administrator allowed it (ALLOWED_SNS_TOPIC_ARNS, ALLOWED_SQS_QUEUE_ARNS, or the
 * shared ALLOWED_AWS_NAMES).
 *
 * This is the one function that decides it for the SNS kinds, so that it can be pointed at the
 * shared isolation helpers (core/naming.ts, core/name-scope.ts). A name check alone is not proof
 * of ownership (anyone in the account may create a topic of that name): the kinds still check
 * owner tags in AWS before writing.
 */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError } from '../core/errors.js';
import { globMatches } from '../iam-common/names.js';
import { parseArn, snsTopicNameScheme } from './names.js';
import { inNamespaceNames, namespaceNamePrefix } from '../core/naming.js';
import { allowedByAdmin } from '../core/name-scope.js';
import { inNamespaceQueueNames, sqsNameScheme } from '../shared/sqs-names.js';

/** Why an ARN may be used. */
export interface ArnScope {
  /** Its name is one of the namespace's own derived names (needs the service's own account). */
  ownName: boolean;
  /** The administrator's allow-list names it. */
  allowListed: boolean;
}

/**
 * Check an ARN from the spec against the isolation rules.
 * @throws InvalidSpecError naming the field and the setting that would allow it.
 */
export function checkSpecArn(arn: string, field: string, service: 'sns' | 'sqs', namespace: string, config: HooksConfig): ArnScope {
  const parsed = parseArn(arn);
  if (parsed?.service !== service || !parsed.region || !parsed.account || parsed.resource.includes(':')) {
    throw new InvalidSpecError(`${field}: "${arn}" is not an ${service.toUpperCase()} ${service === 'sns' ? 'topic' : 'queue'} ARN`);
  }
  const allowList = (service === 'sns' ? config.allowedSnsTopicArns : config.allowedSqsQueueArns) ?? [];
  const fifo = parsed.resource.endsWith('.fifo');
  const scope: ArnScope = {
    // The namespace's own names through the shared namespace-token scheme (core/naming.ts).
    ownName:
      service === 'sns'
        ? inNamespaceNames(parsed.resource, config.namePrefix, namespace, snsTopicNameScheme(fifo))
        : inNamespaceQueueNames(parsed.resource, config.namePrefix, namespace),
    // The SNS kinds' own lists, or the administrator's shared ALLOWED_AWS_NAMES (by ARN or name).
    allowListed: allowList.some((pattern) => globMatches(pattern, arn)) || allowedByAdmin(config.allowedAwsNames, namespace, arn, parsed.resource),
  };
  if (!scope.ownName && !scope.allowListed) {
    const setting = service === 'sns' ? 'ALLOWED_SNS_TOPIC_ARNS' : 'ALLOWED_SQS_QUEUE_ARNS';
    const own =
      service === 'sns'
        ? namespaceNamePrefix(config.namePrefix, namespace, snsTopicNameScheme(fifo))
        : namespaceNamePrefix(config.namePrefix, namespace, sqsNameScheme(fifo));
    throw new InvalidSpecError(
      `${field}: "${arn}" is outside namespace "${namespace}" (its name does not start with "${own}") and neither the administrator's ${setting} nor ALLOWED_AWS_NAMES allows it`,
    );
  }
  return scope;
}

/**
 * An ARN allowed only by its name must be in the service's own account: a same-named resource
 * in another account is not the namespace's. @throws InvalidSpecError.
 */
export function checkArnAccount(arn: string, scope: ArnScope, accountId: string, field: string): void {
  if (scope.allowListed) return;
  const account = parseArn(arn)?.account;
  if (account !== accountId) {
    throw new InvalidSpecError(
      `${field}: "${arn}" is in account ${account ?? '?'}, not in awshooks' account ${accountId}; only the administrator's allow-list reaches other accounts`,
    );
  }
}
