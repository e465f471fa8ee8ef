import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { StoreError } from './types.js';

/**
 * AES-256-GCM envelopes for encrypted collections, built only on node:crypto.
 *
 * Envelope (stored as JSON text): `{"$enc":1,"kid":"<8 hex>","iv":"<b64>","tag":"<b64>","ct":"<b64>"}`.
 * `kid` names the key that encrypted it, so after a rotation the right key is tried first
 * and an unknown key is reported as such instead of as corruption.
 */

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Envelope {
  $enc: 1;
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

/** First 8 hex characters of SHA-256 of the key: identifies a key without revealing it. */
export function keyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** SHA-256 (hex) of a secret key such as a token or code: what secret-keyed collections store. */
export function hashKey(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

export class Keyring {
  private readonly keys: ReadonlyArray<{ id: string; key: Buffer }>;

  /** `keys[0]` encrypts; every key decrypts (rotation: prepend the new key, keep the old ones). */
  constructor(keys: readonly Uint8Array[]) {
    if (keys.length === 0) throw new StoreError('STORE_CONFIG', 'encryption needs at least one key (MCP_BASTION_STORAGE_KEY)');
    this.keys = keys.map((k) => {
      if (k.length !== KEY_BYTES)
        throw new StoreError('STORE_CONFIG', `encryption key: expected ${KEY_BYTES} bytes, got ${k.length} bytes`);
      return { id: keyId(k), key: Buffer.from(k) };
    });
  }

  /** Key ids in order, newest first. */
  get ids(): string[] {
    return this.keys.map((k) => k.id);
  }

  /** `aad` binds the ciphertext to its collection and key: moved elsewhere it no longer decrypts. */
  encrypt(plaintext: string, aad: string): string {
    const primary = this.keys[0];
    if (!primary) throw new StoreError('STORE_CONFIG', 'no encryption key');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', primary.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const env: Envelope = {
      $enc: 1,
      kid: primary.id,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    };
    return JSON.stringify(env);
  }

  /** Throws STORE_BAD_KEY when no configured key can open the envelope; never returns a guess. */
  decrypt(stored: string, aad: string): string {
    const env = parseEnvelope(stored);
    const entry = this.keys.find((k) => k.id === env.kid);
    if (!entry) {
      throw new StoreError(
        'STORE_BAD_KEY',
        `record was encrypted with key id ${env.kid}, which is not among the configured keys (${this.ids.join(', ')}); check MCP_BASTION_STORAGE_KEY`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(env.iv, 'base64'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(env.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(env.ct, 'base64')), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new StoreError('STORE_BAD_KEY', `record does not authenticate under key id ${env.kid} (tampered, or moved from another key)`, {
        cause: err,
      });
    }
  }
}

function parseEnvelope(stored: string): Envelope {
  let env: unknown;
  try {
    env = JSON.parse(stored) as unknown;
  } catch {
    env = undefined;
  }
  const e = env as Partial<Envelope> | undefined;
  if (
    typeof e !== 'object' ||
    e === null ||
    e.$enc !== 1 ||
    typeof e.kid !== 'string' ||
    typeof e.iv !== 'string' ||
    typeof e.tag !== 'string' ||
    typeof e.ct !== 'string'
  ) {
    // Plaintext in an encrypted collection is refused rather than trusted: it was not written by us.
    throw new StoreError('STORE_CORRUPT', 'record in an encrypted collection is not an encryption envelope');
  }
  return e as Envelope;
}
