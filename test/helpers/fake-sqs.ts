/** A fake SQS for engine and inject tests: an in-memory queue store, every call recorded. */
import type { AwsRateLimiter } from '../../hooks/core/aws-budget.js';
import type { AwsClients } from '../../hooks/core/aws-clients.js';

/** A fake SQS: one queue store, every call recorded, optionally through a rate limiter. */
export class FakeSqs {
  calls: string[] = [];
  queues = new Map<string, { attributes: Record<string, string>; tags: Record<string, string> }>();
  constructor(private readonly limiter?: AwsRateLimiter) {}
  /** AWS clients whose `sqs()` is this fake (the other services are not there). */
  clients(): AwsClients {
    const sqs = { send: (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => this.send(cmd) };
    return { sqs: () => sqs, destroy: () => undefined } as unknown as AwsClients;
  }
  private async send(cmd: { constructor: { name: string }; input: Record<string, unknown> }): Promise<Record<string, unknown>> {
    const op = cmd.constructor.name.replace(/Command$/, '');
    if (this.limiter) await this.limiter.admit('sqs', 'eu-west-1', op);
    this.calls.push(op);
    const input = cmd.input;
    const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
    const byUrl = (u: unknown) => this.queues.get(String(u).split('/').pop() ?? '');
    const notFound = () => Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist', $fault: 'client' });
    switch (op) {
      case 'GetQueueUrl': {
        if (!this.queues.has(String(input.QueueName))) throw notFound();
        return { QueueUrl: url(String(input.QueueName)) };
      }
      case 'CreateQueue': {
        const name = String(input.QueueName);
        this.queues.set(name, {
          attributes: {
            ...(input.Attributes as Record<string, string>),
            QueueArn: `arn:aws:sqs:eu-west-1:123456789012:${name}`,
            ApproximateNumberOfMessages: '0',
          },
          tags: { ...(input.tags as Record<string, string>) },
        });
        return { QueueUrl: url(name) };
      }
      case 'GetQueueAttributes': {
        const q = byUrl(input.QueueUrl);
        if (!q) throw notFound();
        return { Attributes: { ...q.attributes } };
      }
      case 'SetQueueAttributes': {
        Object.assign(byUrl(input.QueueUrl)?.attributes ?? {}, input.Attributes);
        return {};
      }
      case 'TagQueue': {
        Object.assign(byUrl(input.QueueUrl)?.tags ?? {}, input.Tags);
        return {};
      }
      case 'ListQueueTags':
        return { Tags: { ...byUrl(input.QueueUrl)?.tags } };
      default:
        throw new Error(`unexpected ${op}`);
    }
  }
}
