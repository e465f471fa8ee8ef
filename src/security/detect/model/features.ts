/**
 * Hashed features for the learned detector, shared by the training script and inference so the
 * two can never drift apart. Word unigrams and bigrams catch phrasing ("ignore previous"), character
 * 3–5-grams catch morphology, misspellings and other languages without a tokenizer. Feature hashing
 * keeps the model a fixed-size array with no vocabulary to ship.
 */

import { foldToLatin } from '../../confusables.js';

/** log2 of the number of buckets; 2^18 keeps collisions rare for a few hundred thousand distinct n-grams. */
export const HASH_BITS = 18;
export const BUCKETS = 1 << HASH_BITS;
const MASK = BUCKETS - 1;

// Beyond this the text is a document, not a description; its head carries the instruction if any.
const MAX_CHARS = 4000;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

// Distinct seeds per feature family, so the word "ign" and the char gram "ign" land in different buckets.
const SEED_WORD = 0x9e3779b1;
const SEED_BIGRAM = 0x85ebca77;
const SEED_CHAR = 0xc2b2ae3d;

function hashString(s: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Lower-cased, NFKC-folded text with look-alike letters mapped back to Latin, whitespace collapsed. */
export function normalizeForModel(text: string): string {
  const nfkc = text.slice(0, MAX_CHARS).normalize('NFKC');
  return (/[\u0370-\u058F]/.test(nfkc) ? foldToLatin(nfkc) : nfkc)
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

// Words, plus the punctuation that carries meaning in injections (<tags>, "!!!", "###", "@", "~/").
const TOKEN = /[\p{L}\p{N}]+(?:['_][\p{L}\p{N}]+)*|[<>{}[\]|#!:@$~/]/gu;

export interface FeatureVector {
  /** Bucket indices, each once. */
  index: Uint32Array;
  /** L2-normalised counts, aligned with `index`. */
  value: Float32Array;
}

/** Optional sink that receives the readable name of each feature (for the explain trace). */
export type FeatureNamer = (bucket: number, name: string) => void;

// Scratch counters reused across calls: a Map per text cost more than the hashing itself.
const scratch = new Float32Array(BUCKETS);
const touched = new Uint32Array(MAX_CHARS * 8);

export function featurize(text: string, namer?: FeatureNamer): FeatureVector {
  const norm = normalizeForModel(text);
  let used = 0;
  const add = (bucket: number): void => {
    if (scratch[bucket] === 0 && used < touched.length) touched[used++] = bucket;
    scratch[bucket] = (scratch[bucket] ?? 0) + 1;
  };
  const tokens = norm.match(TOKEN) ?? [];
  let prev = '';
  for (const tok of tokens) {
    const w = hashString(tok, SEED_WORD) & MASK;
    add(w);
    namer?.(w, tok);
    if (prev) {
      const b = hashString(`${prev} ${tok}`, SEED_BIGRAM) & MASK;
      add(b);
      namer?.(b, `${prev} ${tok}`);
    }
    prev = tok;
  }
  // Char n-grams over the word stream, computed incrementally: one FNV pass per start position.
  const stream = ` ${tokens.join(' ')} `;
  for (let i = 0; i + 3 <= stream.length; i++) {
    let h = (FNV_OFFSET ^ SEED_CHAR) >>> 0;
    for (let n = 0; n < 5 && i + n < stream.length; n++) {
      h ^= stream.charCodeAt(i + n);
      h = Math.imul(h, FNV_PRIME);
      if (n >= 2) {
        const c = (h >>> 0) & MASK;
        add(c);
        if (namer) namer(c, stream.slice(i, i + n + 1));
      }
    }
  }
  const index = touched.slice(0, used);
  const value = new Float32Array(used);
  let norm2 = 0;
  for (let k = 0; k < used; k++) {
    const bucket = index[k] ?? 0;
    const count = scratch[bucket] ?? 0;
    value[k] = count;
    norm2 += count * count;
    scratch[bucket] = 0;
  }
  const inv = norm2 > 0 ? 1 / Math.sqrt(norm2) : 0;
  for (let i = 0; i < used; i++) value[i] = (value[i] ?? 0) * inv;
  return { index, value };
}
