import { z } from 'zod';
import type { TokenVerifier } from '../principal.js';
import { splitList, type VerifierEventSink } from './claims.js';
import { envList, envString, envValueOrFile, type Env } from '../../env.js';
import { ConfigError } from '../../errors.js';
import { IntrospectionVerifier } from './introspection.js';
import { JwtVerifier } from './jwt.js';
import { StaticTokenVerifier, type WarnLogger } from './static.js';
import { requireHttps } from '../../net/url-policy.js';

/** The environment variables read by `verifierFromEnv` (names are part of the public contract). */
export const AUTH_ENV = Object.freeze({
  mode: 'MCP_BASTION_AUTH',
  jwksUri: 'MCP_BASTION_JWT_JWKS_URI',
  publicKey: 'MCP_BASTION_JWT_PUBLIC_KEY',
  secret: 'MCP_BASTION_JWT_SECRET',
  algorithms: 'MCP_BASTION_JWT_ALGORITHMS',
  issuer: 'MCP_BASTION_JWT_ISSUER',
  audience: 'MCP_BASTION_JWT_AUDIENCE',
  requiredScopes: 'MCP_BASTION_REQUIRED_SCOPES',
  introspectionUrl: 'MCP_BASTION_INTROSPECTION_URL',
  introspectionClientId: 'MCP_BASTION_INTROSPECTION_CLIENT_ID',
  introspectionClientSecret: 'MCP_BASTION_INTROSPECTION_CLIENT_SECRET',
  authorizationServers: 'MCP_BASTION_AUTHORIZATION_SERVERS',
  staticTokens: 'MCP_BASTION_STATIC_TOKENS',
});

export const AUTH_MODES = ['none', 'static', 'jwt', 'introspection', 'remote'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface VerifierFromEnvOptions {
  /** This server's resource URL (`${base}/mcp`): the audience used when MCP_BASTION_JWT_AUDIENCE is unset, so JWTs are audience-bound by default. */
  readonly defaultAudience?: string | undefined;
  /** Allow http:// JWKS/introspection/authorization-server URLs on loopback (local development). */
  readonly allowInsecureLoopback?: boolean | undefined;
  /** Receives the static-token warning. */
  readonly logger?: WarnLogger | undefined;
  readonly onEvent?: VerifierEventSink | undefined;
}

export interface VerifierFromEnvResult {
  readonly mode: AuthMode;
  readonly verifier?: TokenVerifier | undefined;
  readonly authorizationServers: string[];
  readonly requiredScopes: string[];
}

/** Which variables each mode may use. Anything else set is a contradiction, reported instead of ignored. */
const JWT_VARS = [AUTH_ENV.jwksUri, AUTH_ENV.publicKey, AUTH_ENV.secret, AUTH_ENV.algorithms, AUTH_ENV.issuer, AUTH_ENV.audience];
const INTROSPECTION_VARS = [
  AUTH_ENV.introspectionUrl,
  AUTH_ENV.introspectionClientId,
  AUTH_ENV.introspectionClientSecret,
  AUTH_ENV.audience,
];
const ALLOWED_BY_MODE: Readonly<Record<AuthMode, readonly string[]>> = {
  none: [],
  static: [AUTH_ENV.staticTokens, AUTH_ENV.requiredScopes, AUTH_ENV.authorizationServers],
  jwt: [...JWT_VARS, AUTH_ENV.requiredScopes, AUTH_ENV.authorizationServers],
  remote: [...JWT_VARS, AUTH_ENV.requiredScopes, AUTH_ENV.authorizationServers],
  introspection: [...INTROSPECTION_VARS, AUTH_ENV.requiredScopes, AUTH_ENV.authorizationServers],
};
const MODE_HINT: Readonly<Record<string, string>> = {
  [AUTH_ENV.jwksUri]: 'jwt',
  [AUTH_ENV.publicKey]: 'jwt',
  [AUTH_ENV.secret]: 'jwt',
  [AUTH_ENV.introspectionUrl]: 'introspection',
  [AUTH_ENV.staticTokens]: 'static',
  [AUTH_ENV.authorizationServers]: 'remote',
};

/**
 * Builds the token verifier from MCP_BASTION_* variables. Anything invalid
 * or contradictory throws a ConfigError whose message names the variable:
 * a half-configured server must not start, least of all unauthenticated.
 */
export function verifierFromEnv(env: NodeJS.ProcessEnv, options: VerifierFromEnvOptions | string = {}): VerifierFromEnvResult {
  const opts: VerifierFromEnvOptions = typeof options === 'string' ? { defaultAudience: options } : options;
  const get = (name: string): string | undefined => envString(env, name);
  const present = Object.values(AUTH_ENV).filter((name) => name !== AUTH_ENV.mode && get(name) !== undefined);
  const mode = readMode(get(AUTH_ENV.mode), present);

  const stray = present.filter((name) => !ALLOWED_BY_MODE[mode].includes(name));
  if (stray.length > 0) {
    throw new ConfigError(
      stray[0] ?? AUTH_ENV.mode,
      `${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but ${AUTH_ENV.mode}=${mode} does not use ${stray.length === 1 ? 'it' : 'them'}; remove ${stray.length === 1 ? 'it' : 'them'} or change ${AUTH_ENV.mode}`,
    );
  }

  const requiredScopes = splitList(get(AUTH_ENV.requiredScopes) ?? '');
  const authorizationServers = splitList(get(AUTH_ENV.authorizationServers) ?? '').map((url) => {
    requireHttps(AUTH_ENV.authorizationServers, url, opts.allowInsecureLoopback === true);
    return url;
  });

  switch (mode) {
    case 'none':
      return { mode, authorizationServers, requiredScopes };
    case 'static':
      return { mode, verifier: staticFromEnv(env, requiredScopes, opts), authorizationServers, requiredScopes };
    case 'introspection':
      return { mode, verifier: introspectionFromEnv(env, requiredScopes, opts), authorizationServers, requiredScopes };
    case 'jwt':
    case 'remote': {
      if (mode === 'remote' && authorizationServers.length === 0) {
        throw new ConfigError(
          AUTH_ENV.authorizationServers,
          `${AUTH_ENV.mode}=remote requires ${AUTH_ENV.authorizationServers} (comma-separated issuer URLs)`,
        );
      }
      const verifier = jwtFromEnv(env, requiredScopes, opts, mode === 'remote' ? authorizationServers : undefined);
      return { mode, verifier, authorizationServers, requiredScopes };
    }
  }
}

function readMode(raw: string | undefined, present: readonly string[]): AuthMode {
  if (raw === undefined) {
    const material = present.filter((name) => MODE_HINT[name] !== undefined);
    if (material.length > 0) {
      // Refuse to guess: silently running without auth (or with the wrong kind) is worse than not starting.
      const first = material[0] ?? '';
      throw new ConfigError(
        AUTH_ENV.mode,
        `${AUTH_ENV.mode} is not set but ${material.join(', ')} ${material.length === 1 ? 'is' : 'are'} set; set ${AUTH_ENV.mode}=${MODE_HINT[first] ?? 'jwt'}`,
      );
    }
    return 'none';
  }
  const mode = raw.toLowerCase();
  if (!(AUTH_MODES as readonly string[]).includes(mode)) {
    throw new ConfigError(AUTH_ENV.mode, `${AUTH_ENV.mode} must be one of ${AUTH_MODES.join(', ')}`);
  }
  return mode as AuthMode;
}

const JWT_OPTION_TO_ENV: Readonly<Record<string, string>> = {
  jwksUri: AUTH_ENV.jwksUri,
  publicKey: AUTH_ENV.publicKey,
  secret: AUTH_ENV.secret,
  algorithms: AUTH_ENV.algorithms,
  issuer: AUTH_ENV.issuer,
  audience: AUTH_ENV.audience,
};

function jwtFromEnv(env: Env, requiredScopes: string[], opts: VerifierFromEnvOptions, defaultIssuers: string[] | undefined): JwtVerifier {
  const get = (name: string): string | undefined => envString(env, name);
  const sources = [AUTH_ENV.secret, AUTH_ENV.jwksUri, AUTH_ENV.publicKey].filter((name) => get(name) !== undefined);
  if (sources.length === 0) {
    throw new ConfigError(
      AUTH_ENV.jwksUri,
      `JWT verification requires one of ${AUTH_ENV.jwksUri}, ${AUTH_ENV.publicKey} or ${AUTH_ENV.secret}`,
    );
  }
  if (sources.length > 1) {
    throw new ConfigError(sources[0] ?? AUTH_ENV.jwksUri, `${sources.join(' and ')} are mutually exclusive: set only one key source`);
  }
  const algorithms = envList(env, AUTH_ENV.algorithms);
  const audience = envList(env, AUTH_ENV.audience) ?? (opts.defaultAudience === undefined ? undefined : [opts.defaultAudience]);
  // RFC 9728: authorization_servers are issuer identifiers, so in remote mode they are the trusted issuers by default.
  const issuer = envList(env, AUTH_ENV.issuer) ?? defaultIssuers;
  return withEnvNames(
    JWT_OPTION_TO_ENV,
    () =>
      new JwtVerifier({
        jwksUri: get(AUTH_ENV.jwksUri),
        publicKey: envValueOrFile(env, AUTH_ENV.publicKey),
        secret: get(AUTH_ENV.secret),
        algorithms,
        issuer,
        audience,
        requiredScopes,
        allowInsecureLoopback: opts.allowInsecureLoopback,
        onEvent: opts.onEvent,
      }),
  );
}

function introspectionFromEnv(env: Env, requiredScopes: string[], opts: VerifierFromEnvOptions): IntrospectionVerifier {
  const get = (name: string): string | undefined => envString(env, name);
  for (const name of [AUTH_ENV.introspectionUrl, AUTH_ENV.introspectionClientId, AUTH_ENV.introspectionClientSecret]) {
    if (get(name) === undefined) throw new ConfigError(name, `${AUTH_ENV.mode}=introspection requires ${name}`);
  }
  return withEnvNames(
    {
      introspectionUrl: AUTH_ENV.introspectionUrl,
      clientId: AUTH_ENV.introspectionClientId,
      clientSecret: AUTH_ENV.introspectionClientSecret,
      audience: AUTH_ENV.audience,
    },
    () =>
      new IntrospectionVerifier({
        introspectionUrl: get(AUTH_ENV.introspectionUrl) ?? '',
        clientId: get(AUTH_ENV.introspectionClientId) ?? '',
        clientSecret: get(AUTH_ENV.introspectionClientSecret) ?? '',
        // Only an explicit audience: many authorization servers omit `aud` from introspection responses,
        // so defaulting it would refuse every token there.
        audience: envList(env, AUTH_ENV.audience),
        requiredScopes,
        allowInsecureLoopback: opts.allowInsecureLoopback,
        onEvent: opts.onEvent,
      }),
  );
}

const StaticTokensSchema = z.record(
  z.string().min(1),
  z.object({
    sub: z.string().min(1),
    clientId: z.string().min(1).optional(),
    scopes: z.union([z.array(z.string()), z.string().transform((s) => splitList(s))]).optional(),
    expiresAt: z.number().int().positive().optional(),
  }),
);

function staticFromEnv(env: Env, requiredScopes: string[], opts: VerifierFromEnvOptions): StaticTokenVerifier {
  const raw = envString(env, AUTH_ENV.staticTokens);
  if (raw === undefined)
    throw new ConfigError(
      AUTH_ENV.staticTokens,
      `${AUTH_ENV.mode}=static requires ${AUTH_ENV.staticTokens} (JSON: {"<token>": {"sub": "...", "scopes": [...]}})`,
    );
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(AUTH_ENV.staticTokens, `${AUTH_ENV.staticTokens} is not valid JSON`, { cause });
  }
  const parsed = StaticTokensSchema.safeParse(json);
  if (!parsed.success) {
    // Report where, never the token values themselves (they are the keys of this object).
    const issue = parsed.error.issues[0];
    const where = issue?.path.length === 2 ? `entry field "${String(issue.path[1])}"` : 'shape';
    throw new ConfigError(
      AUTH_ENV.staticTokens,
      `${AUTH_ENV.staticTokens} has an invalid ${where}: expected {"<token>": {"sub": string, "clientId"?: string, "scopes"?: string[]}}`,
    );
  }
  return withEnvNames(
    { tokens: AUTH_ENV.staticTokens },
    () => new StaticTokenVerifier({ tokens: parsed.data, requiredScopes, logger: opts.logger, env }),
  );
}

/** Re-labels a verifier's ConfigError with the environment variable the option came from. */
function withEnvNames<T>(map: Readonly<Record<string, string>>, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof ConfigError) {
      const name = map[err.option];
      if (name !== undefined) throw new ConfigError(name, `${name}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
