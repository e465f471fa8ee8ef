/** `scan --require-signature`: resolves the key options and produces the SG findings (kept apart so scan-run stays small). */

import { resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import { fetchJwks, readKeyFile, type ManifestVerifyKey } from '../signing/keys.js';
import { signatureFindings, signaturesFromFiles } from '../signing/findings.js';
import type { Finding, ScannedServer } from '../types.js';
import { UsageError, type InputOptions } from './targets.js';

export interface RequireSignatureOptions {
  key?: string;
  jwks?: string;
  allowInsecureLoopback?: boolean;
}

export async function requiredSignatureFindings(
  o: RequireSignatureOptions,
  inputs: InputOptions,
  scanned: ScannedServer[],
): Promise<Finding[]> {
  if (Boolean(o.key) === Boolean(o.jwks))
    throw new UsageError('--require-signature needs exactly one of --key (publisher public key) or --jwks (URL)');
  const cwd = inputs.cwd ?? process.cwd();
  let key: ManifestVerifyKey;
  try {
    key = o.key
      ? readKeyFile(resolve(cwd, o.key), '--key')
      : await fetchJwks(o.jwks as string, { allowInsecureLoopback: o.allowInsecureLoopback === true }, '--jwks');
  } catch (e) {
    // scan reports its own usage errors (exit 2); the key loaders speak the library's ConfigError
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const files = [...inputs.toolsFiles, ...inputs.configs].map((f) => resolve(cwd, f));
  return signatureFindings(scanned, { key, signatures: signaturesFromFiles(files) });
}
