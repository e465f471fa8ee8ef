/**
 * Configuration mistakes, raised at construction time so a misconfigured
 * server refuses to start instead of silently accepting (or refusing) tokens.
 *
 * `setting` names the option or environment variable at fault, so the message
 * and the structured field both point at what to fix.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'invalid_config' as const;
  /** Option name (`secret`, `jwksUri`, ...) or environment variable (`MCP_BASTION_JWT_SECRET`). */
  readonly setting: string;
  constructor(setting: string, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.setting = setting;
  }
}
