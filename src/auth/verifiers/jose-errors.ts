import { errors as joseErrors } from 'jose';
import { AuthError } from '../principal.js';

/**
 * Maps a jose failure to an AuthError. Messages are ours, fixed strings:
 * nothing from the token (claims, header values) is echoed back.
 */
export function mapJoseError(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  if (err instanceof joseErrors.JWTExpired) return new AuthError('expired', 'token has expired', { cause: err });
  if (err instanceof joseErrors.JWTClaimValidationFailed) return mapClaimFailure(err);
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return new AuthError('algorithm_not_allowed', 'token signing algorithm is not allowed', { cause: err });
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return new AuthError('bad_signature', 'token signature is invalid', { cause: err });
  if (err instanceof joseErrors.JWKSNoMatchingKey)
    return new AuthError('unknown_key', 'token signed with a key that is not in the key set', { cause: err });
  if (err instanceof joseErrors.JWKSMultipleMatchingKeys)
    return new AuthError('unknown_key', 'token does not identify its signing key ("kid") unambiguously', { cause: err });
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) {
    return new AuthError('verifier_unavailable', 'signing keys are not available', { cause: err });
  }
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid || err instanceof joseErrors.JOSENotSupported) {
    return new AuthError('malformed', 'token is not a well-formed signed JWT', { cause: err });
  }
  // Key/algorithm mismatches surface as TypeError from WebCrypto: the token
  // could not be verified with the key we trust, which is a signature failure.
  return new AuthError('bad_signature', 'token could not be verified', { cause: err });
}

function mapClaimFailure(err: InstanceType<typeof joseErrors.JWTClaimValidationFailed>): AuthError {
  switch (err.claim) {
    case 'nbf':
      return err.reason === 'check_failed'
        ? new AuthError('not_yet_valid', 'token is not valid yet', { cause: err })
        : new AuthError('invalid_claims', '"nbf" claim is invalid', { cause: err });
    case 'iss':
      return new AuthError('wrong_issuer', 'token was issued by an issuer this server does not trust', { cause: err });
    case 'aud':
      return new AuthError('wrong_audience', 'token was issued for a different audience', { cause: err });
    case 'exp':
      return new AuthError('invalid_claims', err.reason === 'missing' ? 'token has no "exp" claim' : '"exp" claim is invalid', {
        cause: err,
      });
    case 'typ':
      return new AuthError('invalid_claims', 'token "typ" header is not the expected type', { cause: err });
    default:
      return new AuthError('invalid_claims', `"${err.claim}" claim is invalid`, { cause: err });
  }
}
