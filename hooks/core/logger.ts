/** The logger the engine and the kinds write to. */

/** Minimal structured logger (pino's interface): fastify's request logger fits it. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
