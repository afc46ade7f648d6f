/**
 * Drift-check scenarios of the kinds other than Queue: each converges one parent through the
 * running service, then counts the AWS calls of one drift check (last AWS read long ago).
 */
import type { App } from '../server/app.js';
import type { SyncResponse } from '../hooks/core/types.js';

/** What a scenario may use. */
export interface ScenarioContext {
  url: string;
  post: (url: string, path: string, body: unknown) => Promise<SyncResponse>;
  app: App;
}

/** One measured figure of the benchmark's JSON line. */
export interface DriftScenario {
  key: string;
  measure(ctx: ScenarioContext): Promise<number>;
}

/** The scenarios for the kinds the service has. */
export function driftScenarios(plurals: string[]): DriftScenario[] {
  const all: (DriftScenario & { plural: string })[] = [];
  return all.filter((s) => plurals.includes(s.plural));
}
