/** Token verifiers: turn a bearer token into a Principal or throw AuthError. */
export { ConfigError } from '../../errors.js';
export { JwtVerifier, principalFromJwt, type JwtVerifierOptions, type VerifiedJwt } from './jwt.js';
export { IntrospectionVerifier, type IntrospectionVerifierOptions } from './introspection.js';
export { StaticTokenVerifier, type StaticTokenEntry, type StaticTokenVerifierOptions, type WarnLogger } from './static.js';
export { MultiAuth, type MultiAuthOptions } from './multi.js';
export { OpenSaasJwtVerifier, type OpenSaasIdentity, type OpenSaasJwtVerifierOptions } from './opensaas.js';
export {
  verifierFromEnv,
  AUTH_ENV,
  AUTH_MODES,
  type AuthMode,
  type VerifierFromEnvOptions,
  type VerifierFromEnvResult,
} from './from-env.js';
export { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from './algorithms.js';
export { isLoopbackHost } from '../../net/url-policy.js';
export type { VerifierEvent, VerifierEventSink } from './claims.js';
export type { FetchLike } from './http.js';
