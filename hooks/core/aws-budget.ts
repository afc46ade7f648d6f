/**
 * A client-side rate limit per AWS service and region: a token bucket in front of the SDK
 * clients, shared by every parent this replica serves (issue 10, DESIGN.md §3.6).
 *
 * Why not the SDK's `adaptive` retry mode: it only starts limiting after AWS has throttled,
 * its limiter waits without bound before a call, and AWS documents it as experimental and "not
 * recommended for multi-tenant applications" (AWS SDKs and Tools reference, Retry behavior). Here
 * the budget is known in advance (RDS documents 12 requests/s per account and region; IAM's is
 * account-wide and cannot be raised), so a large install spends at most its share and degrades to
 * slower drift checks instead of throttling storms.
 *
 * A call never waits long: a drift check's first call does not wait at all (the check is
 * deferred and the parent answered from status, unchanged), and any other call waits at most
 * `maxWaitMs`; past that it fails with {@link RateLimitedError}, a wait, so the hook still
 * answers well within Metacontroller's timeout.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { WaitError } from './errors.js';

/** A sustained rate and the burst the bucket holds. */
export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

/**
 * Default limits by SDK service name (`*` for services not listed), a fraction of what AWS
 * allows so that other users of the account keep theirs: RDS documents 12 requests/s sustained
 * (burst 300) per account and region; IAM throttles account-wide at undocumented, fixed rates;
 * SQS documents no control-plane limit.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, RateLimit>> = {
  sqs: { ratePerSecond: 100, burst: 200 },
  iam: { ratePerSecond: 10, burst: 20 },
  sts: { ratePerSecond: 10, burst: 20 },
  rds: { ratePerSecond: 4, burst: 20 },
  '*': { ratePerSecond: 20, burst: 40 },
};

const FALLBACK_LIMIT: RateLimit = { ratePerSecond: 20, burst: 40 };

/** Longest wait for a token, by default, of a call that is not a drift check's first. */
export const DEFAULT_RATE_LIMIT_MAX_WAIT_MS = 1000;

/** What one reconcile call has done so far with AWS, for the limiter to decide how long to wait. */
export interface BudgetScope {
  /** The call is a drift check: it may be deferred rather than wait. */
  drift: boolean;
  /** Calls admitted so far. */
  calls: number;
  /** A call that changes something was admitted: deferring now would hide a partial change. */
  wrote: boolean;
}

/** The scope of the reconcile call in progress (AsyncLocalStorage: one per hook call). */
export const budgetScope = new AsyncLocalStorage<BudgetScope>();

/** The client-side budget of a service and region is spent: try again after `afterSeconds`. */
export class RateLimitedError extends WaitError {
  constructor(
    readonly service: string,
    readonly region: string,
    afterSeconds: number,
  ) {
    super('RateLimited', `the client-side AWS call budget for ${service} in ${region} is spent for now; retrying in ${afterSeconds} s`, afterSeconds);
  }
}

/** Operations that only read (a drift check's), by their name. */
export function isReadOperation(operation: string): boolean {
  return /^(Get|List|Describe|Head)/.test(operation);
}

/** A token bucket with reservations (tokens may go negative: a call waits for its turn). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /**
   * Take a token: the ms to wait before using it (0: at once), or undefined (nothing taken)
   * when that wait would be longer than `maxWaitMs`.
   */
  take(now: number, maxWaitMs: number): number | undefined {
    const { ratePerSecond, burst } = this.limit;
    this.tokens = Math.min(burst, this.tokens + ((now - this.last) / 1000) * ratePerSecond);
    this.last = now;
    const waitMs = this.tokens >= 1 ? 0 : ((1 - this.tokens) / ratePerSecond) * 1000;
    if (waitMs > maxWaitMs) return undefined;
    this.tokens -= 1;
    return waitMs;
  }

  /** Seconds until a token is free for a caller that does not wait in line. */
  secondsToNext(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.limit.ratePerSecond));
  }
}

/** Options of {@link AwsRateLimiter}. */
export interface AwsRateLimiterOptions {
  /** Limits by SDK service name, `*` for the others; {@link DEFAULT_RATE_LIMITS} fill the gaps. */
  limits?: Record<string, RateLimit>;
  maxWaitMs?: number;
  /** Monotonic ms. */
  now?: () => number;
  /** Called for each call refused (a metric). */
  onLimited?: (service: string, region: string) => void;
}

/** One token bucket per service and region. */
export class AwsRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly limits: Record<string, RateLimit>;
  private readonly maxWaitMs: number;
  private readonly now: () => number;

  constructor(private readonly options: AwsRateLimiterOptions = {}) {
    this.limits = { ...DEFAULT_RATE_LIMITS, ...options.limits };
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_RATE_LIMIT_MAX_WAIT_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** The limit that applies to a service. */
  limitOf(service: string): RateLimit {
    return this.limits[service] ?? this.limits['*'] ?? FALLBACK_LIMIT;
  }

  /**
   * Admit one call, waiting for a token as the call's scope allows.
   * @throws RateLimitedError when the wait would be too long.
   */
  async admit(service: string, region: string, operation: string): Promise<void> {
    const key = `${service}/${region}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limitOf(service), this.now());
      this.buckets.set(key, bucket);
    }
    const scope = budgetScope.getStore();
    const maxWait = scope?.drift && scope.calls === 0 ? 0 : this.maxWaitMs;
    const waitMs = bucket.take(this.now(), maxWait);
    if (waitMs === undefined) {
      this.options.onLimited?.(service, region);
      throw new RateLimitedError(service, region, bucket.secondsToNext());
    }
    if (scope) {
      scope.calls++;
      if (!isReadOperation(operation)) scope.wrote = true;
    }
    if (waitMs > 0) await sleep(waitMs);
  }
}
