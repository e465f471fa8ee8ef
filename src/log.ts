import { pino, type DestinationStream, type Logger } from 'pino';
import { envString } from './env.js';

export type { Logger };

/** Paths pino censors wherever they appear in a log object. */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'token',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'clientSecret',
  'password',
  'secret',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*.Cookie',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.client_secret',
  '*.clientSecret',
  '*.password',
  '*.secret',
  // Upstream tokens of the OAuth proxy ride on principal.extra.upstream: drop the whole object.
  'upstream',
  '*.upstream',
  '*.*.upstream',
  '*.*.*.upstream',
  '*.*.accessToken',
  '*.*.refreshToken',
  '*.*.access_token',
  '*.*.refresh_token',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["mcp-session-id"]',
  'headers.authorization',
  'headers.cookie',
];

/**
 * Structured logs go to stderr (fd 2) always: on stdio, stdout carries only the protocol,
 * and on HTTP keeping one stream makes the two modes behave alike.
 */
export function createLogger(opts: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      name: opts.name ?? 'mcp-bastion',
      level: opts.level ?? envString(process.env, 'MCP_BASTION_LOG_LEVEL') ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    opts.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}
