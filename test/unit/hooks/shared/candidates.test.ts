/**
 * What every kind's orphan candidates (finalize of an invalid spec) build on: only names under
 * the service's prefix; the regions status and spec name, else the default one. Each kind's
 * candidates are tested at its path (test/unit/hooks/<kind>/candidates.test.ts).
 */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { candidateRegions, isRegion, underPrefix } from '../../../../hooks/shared/candidates.js';

t.test('shared helpers', async (t) => {
  t.ok(isRegion('eu-west-1'));
  t.ok(isRegion('us-gov-west-1'));
  t.notOk(isRegion('Mars'));
  t.notOk(isRegion(undefined));
  t.ok(underPrefix('awshooks-team-a-x', DEFAULT_HOOKS_CONFIG));
  t.notOk(underPrefix('other', DEFAULT_HOOKS_CONFIG));
  t.notOk(underPrefix('awshooksx', DEFAULT_HOOKS_CONFIG), 'the prefix and its dash');
  t.notOk(underPrefix(undefined, DEFAULT_HOOKS_CONFIG));
  t.same(candidateRegions({}, undefined, DEFAULT_HOOKS_CONFIG), ['us-east-1'], 'none named: the default');
  t.same(candidateRegions({ region: 'eu-west-1' }, { region: 'eu-west-1' }, DEFAULT_HOOKS_CONFIG), ['eu-west-1'], 'once');
  t.same(candidateRegions({ region: 'eu-west-1' }, { region: 'eu-west-2' }, DEFAULT_HOOKS_CONFIG), ['eu-west-2', 'eu-west-1'], 'both');
  t.same(candidateRegions({ region: 5 }, { region: 'nope' }, DEFAULT_HOOKS_CONFIG), ['us-east-1'], 'unreadable: the default');
});
