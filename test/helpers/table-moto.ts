/** Helpers of the Table integration tests against moto. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Parent, SyncResponse } from '../../hooks/core/types.js';
import { applyAnswer, type TestApp } from './app.js';
import { motoEndpoint } from './moto.js';

/** Observed children key of the ConfigMap. */
export const CM = 'ConfigMap.v1';

/** A DynamoDB client of the emulator, for setting up and checking behind the service's back. */
export function dynamo(region = 'us-east-1'): DynamoDBClient {
  return new DynamoDBClient({ region, endpoint: motoEndpoint() });
}

/** A condition of an answer. */
export function cond(answer: SyncResponse, type: string): { type: string; status: string; reason: string; message: string } {
  return (answer.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === type)!;
}

/** The data of the first ConfigMap child. */
export function configMapData(answer: SyncResponse): Record<string, string> {
  return (answer.children.find((c) => c.kind === 'ConfigMap') as unknown as { data: Record<string, string> }).data;
}

/** A parent and its observed children, fed back like Metacontroller does. */
export interface Driven {
  answer: SyncResponse;
  parent: Parent;
  children: ReturnType<typeof applyAnswer>['children'];
}

/** Sync until Ready (at most `max` syncs, answers fed back), advancing the clock past any requeue. */
export async function syncUntilReady(
  app: TestApp,
  parent: Parent,
  max = 6,
  children = { [CM]: {} } as Driven['children'],
): Promise<Driven & { syncs: number }> {
  let state = { parent, children };
  for (let i = 1; i <= max; i++) {
    const answer = await app.sync('tables', { parent: state.parent, children: state.children });
    state = applyAnswer(state.parent, answer, [CM]);
    if (cond(answer, 'Ready').status === 'True') return { answer, ...state, syncs: i };
    app.clock.advance(answer.resyncAfterSeconds ?? 1);
  }
  throw new Error(`not Ready after ${max} syncs: ${JSON.stringify(state.parent.status)}`);
}

/** A new generation of a parent with another spec. */
export function withSpec(parent: Parent, spec: Record<string, unknown>): Parent {
  return { ...parent, metadata: { ...parent.metadata, generation: (parent.metadata.generation ?? 1) + 1 }, spec };
}

/** AWS calls by operation since `since` (from the service's own metric). */
export async function callsByOperation(app: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const v of (await app.metrics.awsCalls.get()).values) {
    const op = String(v.labels.operation);
    out[op] = (out[op] ?? 0) + v.value;
  }
  return out;
}

/** The difference of two `callsByOperation` snapshots, zero entries dropped. */
export function diffCalls(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)])
      .filter(([, v]) => v !== 0),
  );
}
