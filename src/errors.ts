import { randomUUID } from 'node:crypto';

/**
 * A configuration mistake found at start, so a misconfigured server refuses to start instead of
 * silently accepting (or refusing) requests. The one configuration error of the package: the CLI
 * reports every instance as a configuration error (exit code 2).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  /** The option path or environment variable, e.g. `http.port` or `MCP_BASTION_ALLOWED_HOSTS`. */
  readonly option: string;
  constructor(option: string, message: string, opts: { cause?: unknown } = {}) {
    // The message always names the option; one that already starts with it is not prefixed twice.
    super(message.startsWith(option) ? message : `${option}: ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.option = option;
  }
}

/** A short, unguessable identifier that links a masked client-facing error to its log line. */
export function newErrorId(): string {
  return randomUUID().slice(0, 8) + randomUUID().slice(0, 4);
}

/** The only text an unexpected failure shows a client. Details stay in the log under the same id. */
export function maskedMessage(errorId: string): string {
  return `Internal error (error id ${errorId})`;
}
