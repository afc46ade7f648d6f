/**
 * Pure: the SQS queues a Queue may own, found without a valid spec (finalize of a spec that no
 * longer validates). Finalize reads each and deletes only those whose owner tags name the parent.
 */
import type { OrphanInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { candidatesByName, plainBoolean, plainString, underPrefix } from '../shared/candidates.js';
import type { QueueStatus } from '../../schemas/queue.js';
import { defaultQueueName, legacyQueueName, SQS_NAME_MAX, type QueueDesired } from './desired.js';

/** SQS's name rule: letters, digits, - and _, then `.fifo` for FIFO queues. */
const SQS_NAME = /^[A-Za-z0-9_-]+(\.fifo)?$/;

/** A queue's identity in AWS. */
export function queueKey(desired: Pick<QueueDesired, 'region' | 'queueName'>): string {
  return `${desired.region}/${desired.queueName}`;
}

/**
 * The queue status names, when it names one under our prefix; otherwise the raw spec's
 * `queueName` (when it is a valid name under our prefix) and the derived default name (both
 * the standard and the FIFO one when `fifo` cannot be read), in the status's, the raw spec's or
 * the default region.
 */
export function queueOrphanCandidates(input: OrphanInput<QueueStatus>): QueueDesired[] {
  const { rawSpec, config, owner } = input;
  const usable = (name: string | undefined): name is string => underPrefix(name, config) && SQS_NAME.test(name) && name.length <= SQS_NAME_MAX;
  // Only resources whose owner tags name this parent are ever deleted, so no name is claimable here.
  const make = (region: string, queueName: string): QueueDesired => ({
    region,
    queueName,
    name: { name: queueName, claimable: false },
    fifo: queueName.endsWith('.fifo'),
    attributes: {},
    tags: {},
    ownerTags: ownerTags(owner),
    adopt: false,
    deletionPolicy: input.deletionPolicy === 'Retain' ? 'Retain' : 'Delete',
  });
  // Absent is the schema's default (standard); present but not a boolean could be either.
  const fifo = plainBoolean(rawSpec, 'fifo') ?? (rawSpec.fifo === undefined ? false : undefined);
  const fifos = fifo === undefined ? [false, true] : [fifo];
  const custom = plainString(rawSpec, 'queueName');
  const names = new Set<string>();
  if (custom !== undefined) for (const f of fifos) names.add(f && !custom.endsWith('.fifo') ? `${custom}.fifo` : custom);
  for (const f of fifos) {
    names.add(defaultQueueName(config.namePrefix, owner.namespace, owner.name, f));
    // A queue created before the namespace token keeps the name the old scheme derived.
    names.add(legacyQueueName(config.namePrefix, owner.namespace, owner.name, f));
  }
  return candidatesByName(input, 'queueName', usable, [...names], make);
}
