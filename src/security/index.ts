/**
 * Public security API: static checks over MCP tool definitions (reusable by a runtime guard),
 * pinning against rug pulls, and the pieces the `scan` / `pin` CLI commands are built from.
 */

export { scanTools, filterFindings, sortFindings, hasFindingsAtOrAbove } from './scan.js';
export { canonicalJson, hashEntity, buildLock, diffLock, pinFindings, diffValues, describeFieldChange, pinnedDefinition } from './pins.js';
export type { PinLock, PinEntry, PinChange, PinKind, FieldChange, PinChangeType } from './pins.js';
export { findHidden, visibleText } from './hidden.js';
export { skeleton, nameKey } from './confusables.js';
export { scoreText, severityForScore } from './signals.js';
export { scoreOutputText, type OutputVerdict } from './detect/output.js';
export { formatTrace, type TraceEntry, type Exemption, type Lexicon } from './detect/engine.js';
export { EXEMPTIONS } from './detect/exemptions.js';
export { modelProbability, explainModel } from './detect/model/classifier.js';
export { classifyTool } from './checks/flows.js';
export { CHECKS } from './codes.js';
export type {
  Finding,
  Severity,
  EntityKind,
  EntityRef,
  ToolDef,
  PromptDef,
  ResourceDef,
  ServerConfig,
  ScannedServer,
  ScanOptions,
  AllowlistEntry,
  ToolAnnotations,
} from './types.js';
export { SEVERITIES, severityRank } from './types.js';
export {
  signManifest,
  verifyManifest,
  checkSignedDefinitions,
  signedDefinitions,
  MANIFEST_TYP,
  type ManifestServer,
  type SignManifestOptions,
  type VerifyManifestOptions,
  type VerifiedManifest,
  type SignedDefinitions,
  type SignatureCoverage,
  type DefinitionCoverage,
  type CoverageStatus,
} from './signing/manifest.js';
export {
  loadSigningKey,
  resolveVerifyKey,
  fetchJwks,
  MANIFEST_ALGORITHMS,
  type ManifestSigningKey,
  type ManifestVerifyKey,
  type ManifestAlgorithm,
} from './signing/keys.js';
export { parseSignedFile, readSignedFile, signedFileDocument, type SignedManifestEntry } from './signing/file.js';
export { signatureFindings, fetchPublishedManifest, WELL_KNOWN_MANIFEST_PATH } from './signing/findings.js';
export { partitionBySignature, type Quarantined } from './signing/gate.js';
