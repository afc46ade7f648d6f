/**
 * fastify's per-request logger, built on first use (issue 10: the converged sync's own CPU).
 *
 * fastify gives every request a pino child bound to its request id. Building one runs pino's
 * binding serialization, and with the service's redaction (top-level wildcards such as
 * `*.password`) every binding goes through the redactor, on every call, although a converged
 * sync logs nothing at the default level. The request gets this stand-in instead: it answers
 * level checks from the parent and builds the real child, with the same bindings and options,
 * the first time something is logged or a child asked for. What gets logged is unchanged.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** `logger[level](...args)`, the arguments passed on as they came (pino reads their number). */
function call(logger: FastifyBaseLogger, level: Level, args: unknown[]): void {
  const log: (this: FastifyBaseLogger, ...a: unknown[]) => void = logger[level];
  log.call(logger, ...args);
}

interface LevelAware {
  isLevelEnabled?: (level: string) => boolean;
}

export class LazyRequestLogger implements FastifyBaseLogger {
  private built: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindingsOf: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  /** The real child logger, built once. */
  private get real(): FastifyBaseLogger {
    return (this.built ??= this.parent.child(this.bindingsOf, this.options));
  }

  /** A level of its own (a route's logLevel) needs the real child to answer for it. */
  private get levelSource(): FastifyBaseLogger {
    return this.built ?? (this.options.level === undefined ? this.parent : this.real);
  }

  get level(): LevelWithSilentOrString {
    return this.levelSource.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.real.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return (this.levelSource as LevelAware).isLevelEnabled?.(level) ?? true;
  }

  // Methods on the prototype, not arrow fields: no closures per request.
  fatal(...args: unknown[]): void {
    call(this.real, 'fatal', args);
  }
  error(...args: unknown[]): void {
    call(this.real, 'error', args);
  }
  warn(...args: unknown[]): void {
    call(this.real, 'warn', args);
  }
  info(...args: unknown[]): void {
    call(this.real, 'info', args);
  }
  debug(...args: unknown[]): void {
    if (this.isLevelEnabled('debug')) call(this.real, 'debug', args);
  }
  trace(...args: unknown[]): void {
    if (this.isLevelEnabled('trace')) call(this.real, 'trace', args);
  }
  silent(..._args: unknown[]): void {
    // Nothing is logged at level silent.
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}

/** fastify's `childLoggerFactory`: a {@link LazyRequestLogger} per request. */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options);
}
