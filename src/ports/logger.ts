/** Structured fields of a log line. Never put bodies, tokens, secrets or personal data in them. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Where the library writes its diagnostic lines. Compatible with pino, winston and `console` style loggers
 * through a thin wrapper. Absent by default: nothing is logged and nothing is computed for logging.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
