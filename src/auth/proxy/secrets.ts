import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The few primitives the proxy needs, all from node:crypto: random identifiers, SHA-256,
 * HMAC for signed cookies, and constant-time comparison. No cryptography of our own.
 */

/** 256 bits from the CSPRNG, base64url: codes, tokens, transaction and grant ids. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function sha256B64url(value: string): string {
  return createHash('sha256').update(value, 'ascii').digest('base64url');
}

export function hmacB64url(key: Uint8Array, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('base64url');
}

/**
 * Constant-time string equality. Both sides are hashed first so the comparison runs over
 * equal lengths and leaks neither content nor length.
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}
