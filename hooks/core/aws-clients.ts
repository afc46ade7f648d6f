import { SQSClient } from '@aws-sdk/client-sqs';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { ECRClient } from '@aws-sdk/client-ecr';
import { StandardRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsRateLimiter } from './aws-budget.js';
import { currentDeadline } from './deadline.js';
import { DeadlineExceededError, outcomeOf } from './errors.js';

/** Called once per AWS API operation (after the SDK's own retries) with its outcome. */
export type AwsCallObserver = (service: string, operation: string, outcome: string) => void;

/** Options shared by every client. */
export interface AwsClientsOptions {
  /** AWS_ENDPOINT_URL: one endpoint for every service (the local emulator). */
  endpoint?: string;
  /** Records every call for metrics. */
  onCall?: AwsCallObserver;
  /** SDK retry attempts (default 3, the SDK's standard mode). */
  maxAttempts?: number;
  /**
   * Per-attempt socket timeout in ms (default 4000). The SDK has none by default: one hung
   * connection would outlast Metacontroller's 10-second hook timeout.
   */
  requestTimeoutMs?: number;
  /** The client-side rate limit per service and region (aws-budget.ts); none when unset. */
  limiter?: AwsRateLimiter;
}

/** A retry is only worth starting with at least this much time left before the hook's deadline. */
export const MIN_RETRY_BUDGET_MS = 250;

type HandleArgs = Parameters<NodeHttpHandler['handle']>;

/** How early a timer may fire (timers round to whole milliseconds). */
const DEADLINE_TIMER_SLACK_MS = 5;

/**
 * The SDK's HTTP handler, bounded by the hook call's deadline (deadline.ts): every attempt gets
 * the call's abort signal and a timeout no longer than the time that is left, and none starts
 * once the deadline has passed. Outside a hook call it is the plain handler.
 */
export class DeadlineHttpHandler {
  constructor(
    private readonly inner: NodeHttpHandler,
    private readonly attemptTimeoutMs: number,
  ) {}

  /** Send one attempt, within the time left. */
  handle(request: HandleArgs[0], options: HandleArgs[1] = {}): ReturnType<NodeHttpHandler['handle']> {
    const deadline = currentDeadline();
    if (!deadline) return this.inner.handle(request, options);
    const left = deadline.at - Date.now();
    if (deadline.signal.aborted || left <= 0) {
      return Promise.reject(new DeadlineExceededError('no time left before the hook deadline for another AWS call'));
    }
    const attemptMs = options.requestTimeout ?? this.attemptTimeoutMs;
    const sent = this.inner.handle(request, {
      ...options,
      abortSignal: deadline.signal,
      requestTimeout: Math.max(1, Math.ceil(Math.min(attemptMs, left))),
    });
    if (left >= attemptMs) return sent;
    // The attempt's timeout is the deadline's: when it fires, the hook ran out of time (reason
    // DeadlineExceeded), whichever of the two timers a busy event loop runs first.
    return sent.catch((err: unknown) => {
      if ((err as { name?: unknown } | undefined)?.name === 'TimeoutError' && Date.now() >= deadline.at - DEADLINE_TIMER_SLACK_MS) {
        throw new DeadlineExceededError('the AWS call was still under way at the hook deadline');
      }
      throw err;
    });
  }

  /** Part of the SDK's HttpHandler contract. */
  updateHttpClientConfig(key: Parameters<NodeHttpHandler['updateHttpClientConfig']>[0], value: Parameters<NodeHttpHandler['updateHttpClientConfig']>[1]): void {
    this.inner.updateHttpClientConfig(key, value);
  }

  /** Part of the SDK's HttpHandler contract. */
  httpHandlerConfigs(): ReturnType<NodeHttpHandler['httpHandlerConfigs']> {
    return this.inner.httpHandlerConfigs();
  }

  /** Close the connections. */
  destroy(): void {
    this.inner.destroy();
  }
}

type RetryArgs = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>;

/**
 * The SDK's standard retries, bounded by the hook call's deadline: no retry once the time left
 * is too short for one. NOTE: the SDK then throws the last attempt's error, as when the
 * attempts run out.
 */
export class DeadlineRetryStrategy {
  /** The SDK reports the retry mode it uses. */
  readonly mode = 'standard';
  private readonly inner: StandardRetryStrategy;

  constructor(maxAttempts: number) {
    this.inner = new StandardRetryStrategy(maxAttempts);
  }

  /** The first attempt's token. */
  acquireInitialRetryToken(scope: string): ReturnType<StandardRetryStrategy['acquireInitialRetryToken']> {
    return this.inner.acquireInitialRetryToken(scope);
  }

  /** The next attempt's token, unless the deadline leaves no room for it. */
  async refreshRetryTokenForRetry(token: RetryArgs[0], errorInfo: RetryArgs[1]): ReturnType<StandardRetryStrategy['refreshRetryTokenForRetry']> {
    const deadline = currentDeadline();
    if (deadline && (deadline.signal.aborted || deadline.at - Date.now() < MIN_RETRY_BUDGET_MS)) {
      throw new Error('no time left before the hook deadline for a retry');
    }
    return this.inner.refreshRetryTokenForRetry(token, errorInfo);
  }

  /** Success gives retry capacity back. */
  recordSuccess(token: Parameters<StandardRetryStrategy['recordSuccess']>[0]): void {
    this.inner.recordSuccess(token);
  }
}

interface Middlewareable {
  middlewareStack: { add: (mw: never, opts: { step: 'initialize'; name: string; priority?: 'high' }) => void };
  destroy(): void;
}

/**
 * One SDK client per service and region, created on first use and reused (DESIGN.md §3.6).
 * Every client counts its calls by service, operation and outcome.
 */
export class AwsClients {
  private readonly clients = new Map<string, Middlewareable>();

  constructor(private readonly options: AwsClientsOptions = {}) {}

  /** The SQS client for a region. */
  sqs(region: string): SQSClient {
    // NOTE: by default the SDK sends SQS requests to the host of the QueueUrl it is given. A queue
    // URL can come from a parent's status, which its writers control: never let it pick the host.
    return this.get('sqs', region, (cfg) => new SQSClient({ ...cfg, useQueueUrlAsEndpoint: false }));
  }

  /** The IAM client (IAM is global; the region only picks the endpoint). */
  iam(region: string): IAMClient {
    return this.get('iam', region, (cfg) => new IAMClient(cfg));
  }

  /** The RDS client for a region. */
  rds(region: string): RDSClient {
    return this.get('rds', region, (cfg) => new RDSClient(cfg));
  }

  /** The DynamoDB client for a region. */
  dynamodb(region: string): DynamoDBClient {
    return this.get('dynamodb', region, (cfg) => new DynamoDBClient(cfg));
  }

  /** The SNS client for a region. */
  sns(region: string): SNSClient {
    return this.get('sns', region, (cfg) => new SNSClient(cfg));
  }

  /** The STS client for a region. */
  sts(region: string): STSClient {
    return this.get('sts', region, (cfg) => new STSClient(cfg));
  }

  /**
   * The S3 client for a region.
   * NOTE: the local emulator serves every bucket under its one host: path-style addressing
   * (`<endpoint>/<bucket>`) is needed when AWS_ENDPOINT_URL is set; AWS itself gets the default
   * virtual-hosted style.
   */
  s3(region: string): S3Client {
    return this.get('s3', region, (cfg) => new S3Client({ ...cfg, forcePathStyle: cfg.endpoint !== undefined }));
  }

  /** The ECR client for a region. */
  ecr(region: string): ECRClient {
    return this.get('ecr', region, (cfg) => new ECRClient(cfg));
  }

  /** Close every client's connections (graceful shutdown). */
  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  private get<C extends Middlewareable>(
    service: string,
    region: string,
    make: (cfg: { region: string; endpoint?: string; maxAttempts?: number; retryStrategy: DeadlineRetryStrategy; requestHandler: DeadlineHttpHandler }) => C,
  ): C {
    const key = `${service}/${region}`;
    let client = this.clients.get(key) as C | undefined;
    if (!client) {
      const maxAttempts = this.options.maxAttempts ?? 3;
      const requestTimeout = this.options.requestTimeoutMs ?? 4000;
      client = make({
        region,
        ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
        maxAttempts,
        // Attempts and retries are bounded by the hook call's deadline (deadline.ts).
        retryStrategy: new DeadlineRetryStrategy(maxAttempts),
        requestHandler: new DeadlineHttpHandler(new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout, throwOnRequestTimeout: true }), requestTimeout),
      });
      const onCall = this.options.onCall;
      if (onCall) {
        const counter = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
          const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
          try {
            const result = await next(args);
            onCall(service, operation, 'success');
            return result;
          } catch (err) {
            onCall(service, operation, outcomeOf(err));
            throw err;
          }
        };
        client.middlewareStack.add(counter as never, { step: 'initialize', name: 'awshooksCallCounter' });
      }
      const limiter = this.options.limiter;
      if (limiter) {
        // Outermost (high priority): a call the budget refuses is never sent, nor counted as sent.
        const admit = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
          await limiter.admit(service, region, (context.commandName ?? 'Unknown').replace(/Command$/, ''));
          return next(args);
        };
        client.middlewareStack.add(admit as never, { step: 'initialize', name: 'awshooksRateLimit', priority: 'high' });
      }
      this.clients.set(key, client);
    }
    return client;
  }
}
