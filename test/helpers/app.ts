/**
 * Shared test helpers: a configured app (auth on, a known token), hook calls through
 * `inject`, and a controllable clock.
 */
import { buildApp, type App } from '../../server/app.js';
import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../hooks/core/config.js';
import { DEFAULT_RATE_LIMITS } from '../../hooks/core/aws-budget.js';
import type { ServiceConfig } from '../../server/config.js';
import type { KubeObject, ObjectMap, Parent, SyncResponse } from '../../hooks/core/types.js';

// Tests never use real credentials, and must not wait for the EC2 metadata service.
process.env.AWS_ACCESS_KEY_ID ??= 'testing';
process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

/** The bearer token test apps accept. */
export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** A clock tests can move. */
export class TestClock {
  constructor(public ms = Date.parse('2026-11-22T10:00:00.000Z')) {}
  now = (): Date => new Date(this.ms);
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** Every service's client-side AWS budget lifted (see testConfig). */
const UNLIMITED_RATE_LIMITS = Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((service) => [service, { ratePerSecond: 1e6, burst: 1e6 }]));

/** A service configuration for tests, pointed at the emulator when AWS_ENDPOINT_URL is set. */
export function testConfig(hooks: Partial<HooksConfig> = {}, overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    logLevel: 'silent',
    hookTokens: [TEST_TOKEN],
    authDisabled: false,
    bodyLimitBytes: 16 * 1024 * 1024,
    maxConcurrentHooks: 64,
    shutdownGraceMs: 1000,
    ...(process.env.AWS_ENDPOINT_URL ? { awsEndpointUrl: process.env.AWS_ENDPOINT_URL } : {}),
    // No client-side AWS budget: a test makes its calls faster than production's defaults allow (IAM
    // 10/s, burst 20), and a drift check that finds the budget spent is deferred (0 calls), so a
    // call count would depend on the machine's speed. The budget has its own tests (aws-budget).
    awsRateLimits: UNLIMITED_RATE_LIMITS,
    // One drift-check interval for every kind, so that tests can step over it (kinds default to 30 s to 10 min).
    hooks: { ...DEFAULT_HOOKS_CONFIG, driftCheckIntervalSeconds: 30, ...hooks },
    ...overrides,
  };
}

/** A test app plus helpers to call its hooks. */
export interface TestApp extends App {
  clock: TestClock;
  /** POST a sync (or finalize) request and return the parsed 200 answer; fails on other codes. */
  sync(
    plural: string,
    request: { parent: Parent | KubeObject; children?: ObjectMap; related?: ObjectMap; finalizing?: boolean },
    hook?: 'sync' | 'finalize',
  ): Promise<SyncResponse>;
  /** AWS calls made so far, from the service's own metric. */
  awsCalls(): Promise<number>;
}

/** Build an app for tests. */
export async function testApp(hooks: Partial<HooksConfig> = {}, overrides: Partial<ServiceConfig> = {}): Promise<TestApp> {
  const clock = new TestClock();
  const app = await buildApp({ config: testConfig(hooks, overrides), now: clock.now, logger: false, defaultMetrics: false });
  return Object.assign(app, {
    clock,
    async sync(
      plural: string,
      request: { parent: Parent | KubeObject; children?: ObjectMap; related?: ObjectMap; finalizing?: boolean },
      hook: 'sync' | 'finalize' = 'sync',
    ) {
      const res = await app.hooks.inject({
        method: 'POST',
        url: `/hooks/${plural}/${hook}`,
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
        payload: {
          controller: { apiVersion: 'metacontroller.k8s.io/v1alpha1', kind: 'CompositeController', metadata: { name: `awshooks-${plural}` } },
          children: {},
          ...request,
        },
      });
      if (res.statusCode !== 200) throw new Error(`hook answered ${res.statusCode}: ${res.body}`);
      return res.json<SyncResponse>();
    },
    awsCalls: () => app.metrics.awsCallCount(),
  });
}

/**
 * Feed an answer back as Metacontroller would: the parent gets the returned status, and the
 * returned children become the observed children (keyed "<Kind>.<apiVersion>" → "ns/name").
 */
export function applyAnswer(parent: Parent, answer: SyncResponse, childTypes: string[] = []): { parent: Parent; children: ObjectMap } {
  const namespace = parent.metadata.namespace ?? 'default';
  const children: ObjectMap = Object.fromEntries(childTypes.map((t) => [t, {}]));
  for (const child of answer.children) {
    const group = child.apiVersion.includes('/') ? child.apiVersion : child.apiVersion;
    const key = `${child.kind}.${group}`;
    children[key] ??= {};
    children[key][`${namespace}/${child.metadata.name}`] = { ...child, metadata: { ...child.metadata, namespace } };
  }
  return { parent: { ...parent, status: answer.status }, children };
}
