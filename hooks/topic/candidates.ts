/**
 * Pure: the SNS topics a Topic may own, found without a valid spec (finalize of a spec that no
 * longer validates). Finalize reads each and deletes only those whose owner tags name the parent;
 * confirmed subscriptions still hold the deletion unless the raw spec plainly says `force: true`.
 */
import type { OrphanInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { candidatesByName, plainBoolean, underPrefix } from '../shared/candidates.js';
import { defaultTopicName, FIFO_SUFFIX, SNS_TOPIC_NAME_MAX } from '../sns-common/names.js';
import type { TopicStatus } from '../../schemas/topic.js';
import type { TopicDesired } from './desired.js';

/** SNS's topic name rule: letters, digits, - and _, then `.fifo` for FIFO topics. */
const SNS_NAME = /^[A-Za-z0-9_-]+(\.fifo)?$/;

/** A topic's identity in AWS. */
export function topicKey(desired: Pick<TopicDesired, 'region' | 'topicName'>): string {
  return `${desired.region}/${desired.topicName}`;
}

/**
 * The topic status names, when it names one under our prefix; otherwise the derived name (a
 * Topic has no custom name), standard or FIFO as the raw spec plainly says, both when it cannot
 * be read; in the status's, the raw spec's or the default region.
 */
export function topicOrphanCandidates(input: OrphanInput<TopicStatus>): TopicDesired[] {
  const { rawSpec, config, owner } = input;
  const usable = (name: string | undefined): name is string => underPrefix(name, config) && SNS_NAME.test(name) && name.length <= SNS_TOPIC_NAME_MAX;
  const make = (region: string, topicName: string): TopicDesired => ({
    region,
    topicName,
    fifo: topicName.endsWith(FIFO_SUFFIX),
    attributes: {},
    tags: {},
    ownerTags: ownerTags(owner),
    adopt: false,
    deletionPolicy: input.deletionPolicy === 'Retain' ? 'Retain' : 'Delete',
    force: plainBoolean(rawSpec, 'force') === true,
  });
  // Absent is the schema's default (standard); present but not a boolean could be either.
  const fifo = plainBoolean(rawSpec, 'fifo') ?? (rawSpec.fifo === undefined ? false : undefined);
  const names = (fifo === undefined ? [false, true] : [fifo]).map((f) => defaultTopicName(config.namePrefix, owner.namespace, owner.name, f));
  return candidatesByName(input, 'topicName', usable, names, make);
}
