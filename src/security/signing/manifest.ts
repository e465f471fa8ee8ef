/**
 * Signed manifests: a JWS (compact JWT, EdDSA or ES256) over a server's name, version, signing
 * time and the full definitions of its tools, prompts and resources in the pins' canonical form.
 * Pins say that a definition changed; a signature says the publisher approved these exact ones.
 * Verification never trusts anything it has not checked: on any failure it returns no definitions.
 */

import { KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { canonicalJson, diffValues, pinnedDefinition, type FieldChange, type PinKind } from '../pins.js';
import type { PromptDef, ResourceDef, ScannedServer, ToolDef } from '../types.js';
import { algorithmFor, MANIFEST_ALGORITHMS, resolveVerifyKey, type ManifestSigningKey, type ManifestVerifyKey } from './keys.js';

/** JWS `typ`: a manifest can never be replayed as an access token, nor a token as a manifest. */
export const MANIFEST_TYP = 'mcp-manifest+jwt';
export const MANIFEST_FORMAT = 1;

export type SignedDefinitions = Record<PinKind, Record<string, Record<string, unknown>>>;

export interface ManifestServer extends ScannedServer {
  version?: string;
}

export interface SignManifestOptions {
  /** Overrides the server name in the manifest. */
  name?: string;
  version?: string;
  /** Lifetime in seconds from `issuedAt`; without it the signature does not expire. */
  expiresInSeconds?: number;
  /** Signing time, seconds since the epoch (default now). */
  issuedAt?: number;
}

type Entity = [PinKind, ToolDef | PromptDef | ResourceDef];

export function manifestEntities(server: ScannedServer): Entity[] {
  return [
    ...server.tools.map((t): Entity => ['tool', t]),
    ...(server.prompts ?? []).map((p): Entity => ['prompt', p]),
    ...(server.resources ?? []).map((r): Entity => ['resource', r]),
    ...(server.resourceTemplates ?? []).map((r): Entity => ['resource', r]),
  ];
}

/** The definitions as they go into the payload, keyed like the lock file (kind, then name). */
export function signedDefinitions(server: ScannedServer): SignedDefinitions {
  const out: SignedDefinitions = { tool: {}, prompt: {}, resource: {} };
  for (const [kind, def] of manifestEntities(server)) {
    if (out[kind][def.name] !== undefined)
      throw new Error(`${kind} "${def.name}" appears twice; a signature must cover one definition per name`);
    // Round-trip through the canonical form so what is signed is exactly what is compared later.
    out[kind][def.name] = JSON.parse(canonicalJson(pinnedDefinition(kind, def))) as Record<string, unknown>;
  }
  return out;
}

export async function signManifest(server: ManifestServer, key: ManifestSigningKey, opts: SignManifestOptions = {}): Promise<string> {
  const name = opts.name ?? server.name;
  if (!name) throw new Error('a signed manifest needs a server name');
  const version = opts.version ?? server.version;
  const iat = opts.issuedAt ?? Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    mcp_manifest: MANIFEST_FORMAT,
    server: { name, ...(version ? { version } : {}) },
    definitions: signedDefinitions(server),
  })
    .setProtectedHeader({ alg: key.alg, typ: MANIFEST_TYP, kid: key.kid })
    .setIssuedAt(iat);
  if (opts.expiresInSeconds !== undefined) {
    if (!(opts.expiresInSeconds > 0)) throw new Error('expiresInSeconds must be positive');
    jwt.setExpirationTime(iat + Math.floor(opts.expiresInSeconds));
  }
  return jwt.sign(key.key);
}

export interface VerifyManifestOptions {
  /** Require this server name in the manifest. */
  server?: string;
  /** Seconds of clock skew accepted on `exp` (default 60). */
  clockToleranceSeconds?: number;
  /** Verification time (tests). */
  now?: Date;
}

export interface VerifiedManifest {
  ok: boolean;
  server?: { name: string; version?: string };
  /** Empty unless `ok`: nothing from an unverified token is handed out. */
  definitions: SignedDefinitions;
  issuedAt?: Date;
  expiresAt?: Date;
  alg?: string;
  kid?: string;
  problems: string[];
}

const empty = (): SignedDefinitions => ({ tool: {}, prompt: {}, resource: {} });

function failed(problem: string): VerifiedManifest {
  return { ok: false, definitions: empty(), problems: [problem] };
}

/** Why jose refused, in words a publisher can act on. */
function describeJoseError(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return `signature expired (exp ${new Date(Number(e.payload.exp) * 1000).toISOString()})`;
  if (e instanceof joseErrors.JOSEAlgNotAllowed)
    return `algorithm not allowed: manifests must be signed with ${MANIFEST_ALGORITHMS.join(' or ')}`;
  if (e instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'signature does not verify with the given key (wrong key, or the token was altered)';
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'no key in the JWKS matches the signature (kid/alg)';
  if (e instanceof joseErrors.JWKSMultipleMatchingKeys) return 'several JWKS keys match and none verifies';
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `claim "${e.claim}" is invalid: ${e.reason}`;
  if (e instanceof joseErrors.JOSENotSupported) return `unsupported: ${e.message}`;
  if (e instanceof joseErrors.JWSInvalid || e instanceof joseErrors.JWTInvalid) return `malformed signed manifest: ${e.message}`;
  if (e instanceof joseErrors.JOSEError) return `signature rejected: ${e.message}`;
  return `signature rejected: ${e instanceof Error ? e.message : String(e)}`;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The payload is signed, but its shape is still checked before anything reads it. */
function parseDefinitions(raw: unknown): SignedDefinitions | string {
  if (!isObj(raw)) return 'payload has no "definitions" object';
  const out = empty();
  for (const kind of ['tool', 'prompt', 'resource'] as const) {
    const group = raw[kind] ?? {};
    if (!isObj(group)) return `definitions.${kind} is not an object`;
    for (const [name, def] of Object.entries(group)) {
      if (!isObj(def) || def.name !== name) return `definitions.${kind}.${name} is not a definition named "${name}"`;
      out[kind][name] = def;
    }
  }
  return out;
}

/** Checks signature, algorithm, `typ`, time claims and payload shape. Never throws for a bad token; throws ConfigError for a bad key. */
export async function verifyManifest(jws: string, key: ManifestVerifyKey, opts: VerifyManifestOptions = {}): Promise<VerifiedManifest> {
  const resolved = resolveVerifyKey(key);
  if (typeof jws !== 'string' || jws.trim() === '') return failed('no signed manifest');
  // A single key fixes the algorithm; say "wrong key" rather than jose's generic "unsupported".
  if (resolved instanceof KeyObject) {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(jws.trim()).alg;
    } catch {
      return failed('malformed signed manifest: the protected header does not decode');
    }
    const expected = algorithmFor(resolved, 'key');
    if (typeof alg === 'string' && (MANIFEST_ALGORITHMS as readonly string[]).includes(alg) && alg !== expected)
      return failed(`signed with ${alg}, but the given key is an ${expected} key: wrong key`);
  }
  let result;
  try {
    const options = {
      algorithms: [...MANIFEST_ALGORITHMS],
      typ: MANIFEST_TYP,
      requiredClaims: ['iat'],
      clockTolerance: opts.clockToleranceSeconds ?? 60,
      ...(opts.now ? { currentDate: opts.now } : {}),
    };
    result =
      typeof resolved === 'function' ? await jwtVerify(jws.trim(), resolved, options) : await jwtVerify(jws.trim(), resolved, options);
  } catch (e) {
    return failed(describeJoseError(e));
  }
  const { payload, protectedHeader } = result;
  if (payload.mcp_manifest !== MANIFEST_FORMAT) return failed(`not an mcp-bastion manifest (mcp_manifest must be ${MANIFEST_FORMAT})`);
  const server = payload.server;
  if (!isObj(server) || typeof server.name !== 'string' || server.name === '') return failed('payload has no server name');
  if (server.version !== undefined && typeof server.version !== 'string') return failed('server.version must be a string');
  const definitions = parseDefinitions(payload.definitions);
  if (typeof definitions === 'string') return failed(definitions);
  const now = (opts.now ?? new Date()).getTime() / 1000;
  if (typeof payload.iat === 'number' && payload.iat > now + (opts.clockToleranceSeconds ?? 60))
    return failed(`signed in the future (iat ${new Date(payload.iat * 1000).toISOString()})`);
  const named = { name: server.name, ...(typeof server.version === 'string' ? { version: server.version } : {}) };
  if (opts.server !== undefined && opts.server !== named.name)
    return { ...failed(`manifest is for server "${named.name}", expected "${opts.server}"`), server: named };
  return {
    ok: true,
    server: named,
    definitions,
    issuedAt: new Date((payload.iat as number) * 1000),
    ...(typeof payload.exp === 'number' ? { expiresAt: new Date(payload.exp * 1000) } : {}),
    alg: protectedHeader.alg,
    ...(protectedHeader.kid ? { kid: protectedHeader.kid } : {}),
    problems: [],
  };
}

export type CoverageStatus = 'covered' | 'uncovered' | 'mismatch';

export interface DefinitionCoverage {
  kind: PinKind;
  name: string;
  status: CoverageStatus;
  /** For `mismatch`: what differs from the signed definition (signed → live). */
  changes: FieldChange[];
}

export interface SignatureCoverage {
  /** True when the signature is valid and every live definition is covered unchanged. */
  ok: boolean;
  entries: DefinitionCoverage[];
  /** Signed but not offered: harmless for security, reported for completeness. */
  missing: { kind: PinKind; name: string }[];
  problems: string[];
}

/**
 * Compares what a server offers now with what its publisher signed. A definition is `covered`
 * only when its canonical form equals the signed one, so key order does not matter but every
 * word of a description and every schema field does. Without a valid signature nothing is covered.
 */
export function checkSignedDefinitions(live: ScannedServer, verified: VerifiedManifest): SignatureCoverage {
  const entries: DefinitionCoverage[] = [];
  const seen = new Set<string>();
  for (const [kind, def] of manifestEntities(live)) {
    seen.add(`${kind}\u0000${def.name}`);
    const signed = verified.ok ? verified.definitions[kind][def.name] : undefined;
    if (signed === undefined) {
      entries.push({ kind, name: def.name, status: 'uncovered', changes: [] });
      continue;
    }
    const now = pinnedDefinition(kind, def);
    const same = canonicalJson(signed) === canonicalJson(now);
    entries.push({ kind, name: def.name, status: same ? 'covered' : 'mismatch', changes: same ? [] : diffValues(signed, now) });
  }
  const missing: SignatureCoverage['missing'] = [];
  if (verified.ok) {
    for (const kind of ['tool', 'prompt', 'resource'] as const)
      for (const name of Object.keys(verified.definitions[kind])) if (!seen.has(`${kind}\u0000${name}`)) missing.push({ kind, name });
  }
  const ok = verified.ok && entries.every((e) => e.status === 'covered');
  return { ok, entries, missing, problems: verified.problems };
}
