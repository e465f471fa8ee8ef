import { ConfigError as BaseConfigError } from '../../errors.js';

/**
 * Configuration mistakes, raised at construction time so a misconfigured
 * server refuses to start instead of silently accepting (or refusing) tokens.
 *
 * Extends the package-wide ConfigError so the CLI reports it as a
 * configuration error. `setting` (= `option`) names the option or environment
 * variable at fault; the message always names it too, so it is not prefixed
 * a second time.
 */
export class ConfigError extends BaseConfigError {
  /** Option name (`secret`, `jwksUri`, ...) or environment variable (`MCP_BASTION_JWT_SECRET`). */
  readonly setting: string;
  constructor(setting: string, message: string, opts: { cause?: unknown } = {}) {
    super(setting, message);
    this.message = message;
    this.setting = setting;
    if (opts.cause !== undefined) this.cause = opts.cause;
  }
}
