import { SQSClient } from '@aws-sdk/client-sqs';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { ECRClient } from '@aws-sdk/client-ecr';
import { outcomeOf } from './errors.js';

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
}

interface Middlewareable {
  middlewareStack: { add: (mw: never, opts: { step: 'initialize'; name: string }) => void };
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
    make: (cfg: { region: string; endpoint?: string; maxAttempts?: number; requestHandler?: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean } }) => C,
  ): C {
    const key = `${service}/${region}`;
    let client = this.clients.get(key) as C | undefined;
    if (!client) {
      client = make({
        region,
        ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
        maxAttempts: this.options.maxAttempts ?? 3,
        requestHandler: { connectionTimeout: 2000, requestTimeout: this.options.requestTimeoutMs ?? 4000, throwOnRequestTimeout: true },
      });
      const onCall = this.options.onCall;
      if (onCall) {
        const counter = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
          async (args: unknown) => {
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
      this.clients.set(key, client);
    }
    return client;
  }
}
