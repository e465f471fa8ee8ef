/**
 * Hidden-content detection: characters and encodings a person reviewing a tool list
 * does not see but a model reads (or decodes). Every detector returns the decoded hidden
 * text where it can, so the caller re-scans it with the same injection rules.
 */

export type HiddenKind =
  | 'tag-chars'
  | 'zero-width'
  | 'bidi'
  | 'variation-selectors'
  | 'html-comment'
  | 'ansi-escape'
  | 'encoded-base64'
  | 'encoded-hex'
  | 'encoded-url'
  | 'mixed-script';

export interface HiddenHit {
  kind: HiddenKind;
  /** Number of offending characters (or encoded run length). */
  count: number;
  /** Text recovered from the hidden channel, when it decodes to something readable. */
  decoded?: string;
  /** Short visible sample, escaped. */
  sample: string;
}

// Emoji flag tag sequences (e.g. the England flag) are the only legitimate use of tag characters.
const FLAG_TAG_SEQUENCE = /\u{1F3F4}[\u{E0020}-\u{E007E}]{1,12}\u{E007F}/gu;
const TAG_RUN = /[\u{E0000}-\u{E007F}]+/gu;
const BIDI = /[\u202A-\u202E\u2066-\u2069\u061C\u200E\u200F]/gu;
const ZERO_WIDTH = /[\u200B-\u200D\u2060-\u2064\u180E\u00AD\u034F\u115F\u1160\u3164\uFFA0\uFEFF]/gu;
const VS_RUN = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]+/gu;
const HTML_COMMENT = /<!--([\s\S]*?)(?:-->|$)/g;
// ESC-based sequences plus bare C0/C1 controls other than tab/newline/CR.
const ANSI =
  /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-Z\\-_]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const BASE64_RUN = /(?:[A-Za-z0-9+/]{4}){6,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?|(?:[A-Za-z0-9_-]{4}){8,}[A-Za-z0-9_-]{0,3}/g;
const HEX_RUN = /(?:\\x|0x)?(?:[0-9a-fA-F]{2}(?:\\x|\s)?){16,}/g;
// Encoded runs: no whitespace, at least six escapes, any literal text between them.
const URL_ENC_RUN = /(?:[^\s%]{0,16}%[0-9a-fA-F]{2}){6,}[^\s%]*/g;

function escapeSample(s: string, max = 60): string {
  const out = Array.from(s.slice(0, max * 2))
    .map((ch) => {
      const cp = ch.codePointAt(0) ?? 0;
      if (
        cp < 0x20 ||
        (cp >= 0x7f && cp < 0xa0) ||
        cp > 0xffff ||
        /[\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFE00-\uFE0F\uFEFF]/u.test(ch)
      ) {
        return `\\u{${cp.toString(16).toUpperCase()}}`;
      }
      return ch;
    })
    .join('');
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/** Share of characters that are printable text (letters, digits, punctuation, spaces). */
export function readableRatio(s: string): number {
  if (s.length === 0) return 0;
  let ok = 0;
  for (const ch of s) {
    if (/[\p{L}\p{N}\p{P}\p{Zs}\p{S}\n\t]/u.test(ch) && ch !== '\uFFFD') ok++;
  }
  return ok / Array.from(s).length;
}

function looksLikeWords(s: string): boolean {
  // Decoded noise is usually readable-ish by chance; require spaces and a few letter runs.
  return readableRatio(s) > 0.9 && /\p{L}{3,}/u.test(s) && (/\s/.test(s) || /\p{Script=Han}{4,}/u.test(s));
}

function decodeTags(run: string): string {
  let out = '';
  for (const ch of run) {
    const cp = (ch.codePointAt(0) ?? 0) - 0xe0000;
    if (cp >= 0x20 && cp < 0x7f) out += String.fromCharCode(cp);
  }
  return out;
}

/** Variation-selector smuggling maps one byte to one selector: 0-15 → FE00-FE0F, 16-255 → E0100-E01EF. */
function decodeVariationSelectors(run: string): string {
  const bytes: number[] = [];
  for (const ch of run) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xfe00 && cp <= 0xfe0f) bytes.push(cp - 0xfe00);
    else bytes.push(cp - 0xe0100 + 16);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Zero-width binary: two distinct invisible characters used as 0/1 bits. */
function decodeZeroWidthBits(run: string): string | undefined {
  const chars = Array.from(run);
  const distinct = [...new Set(chars)];
  if (distinct.length !== 2 || chars.length < 16) return undefined;
  for (const one of distinct) {
    const bits = chars.map((c) => (c === one ? '1' : '0')).join('');
    let out = '';
    for (let i = 0; i + 8 <= bits.length; i += 8) out += String.fromCharCode(parseInt(bits.slice(i, i + 8), 2));
    if (looksLikeWords(out)) return out;
  }
  return undefined;
}

// Bases that legitimately take a variation selector: emoji/pictographs, keycap bases, CJK ideographs, math symbols.
const VS_BASE = /[\p{Extended_Pictographic}\p{Emoji_Presentation}#*0-9\p{Script=Han}\u2190-\u2BFF\u3000-\u303F\u0030-\u0039]/u;
// ZWJ/ZWNJ are required inside emoji sequences and in several scripts (Arabic, Persian, Indic).
const JOINER_CONTEXT =
  /[\p{Extended_Pictographic}\p{Script=Arabic}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Malayalam}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Sinhala}\u{1F3FB}-\u{1F3FF}\uFE0F]/u;

function prevChar(text: string, index: number): string {
  if (index === 0) return '';
  const code = text.charCodeAt(index - 1);
  if (index >= 2 && code >= 0xdc00 && code <= 0xdfff) return text.slice(index - 2, index);
  return text.slice(index - 1, index);
}

function nextChar(text: string, index: number): string {
  const cp = text.codePointAt(index);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

function decodeBase64(run: string): string | undefined {
  if (/^[0-9a-fA-F]+$/.test(run)) return undefined; // hex is handled separately
  if (!/[A-Z]/.test(run) || !/[a-z]/.test(run)) return undefined; // identifiers, words in caps
  try {
    const txt = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    return looksLikeWords(txt) ? txt : undefined;
  } catch {
    return undefined;
  }
}

function decodeHex(run: string): string | undefined {
  const digits = run.replace(/\\x|0x|\s/g, '');
  if (digits.length % 2 !== 0) return undefined;
  const txt = Buffer.from(digits, 'hex').toString('utf8');
  return looksLikeWords(txt) ? txt : undefined;
}

function decodeUrl(run: string): string | undefined {
  try {
    const txt = decodeURIComponent(run);
    return looksLikeWords(txt) && txt !== run ? txt : undefined;
  } catch {
    return undefined;
  }
}

/** Latin word with Cyrillic/Greek letters inside it: a keyword-filter evasion, never a real spelling. */
const MIXED_WORD =
  /[\p{L}]*(?:\p{Script=Latin}[\p{Script=Cyrillic}\p{Script=Greek}]|[\p{Script=Cyrillic}\p{Script=Greek}]\p{Script=Latin})[\p{L}]*/gu;
// MIXED_WORD needs one of these letters; one linear pass for it is far cheaper than the word scan.
const MIXED_HINT = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

// Cheap gate: plain printable ASCII without comment markers or long alphanumeric runs hides nothing.
const PLAIN = /^[\x20-\x7E\n\r\t]*$/;
const ENCODING_HINT = /<!--|%[0-9a-fA-F]{2}|[A-Za-z0-9+/_-]{24}|(?:[0-9a-fA-F]{2}[\s\\x]*){16}/;

export function findHidden(text: string): HiddenHit[] {
  if (PLAIN.test(text) && !ENCODING_HINT.test(text)) return [];
  const hits: HiddenHit[] = [];
  const withoutFlags = text.replace(FLAG_TAG_SEQUENCE, '');

  for (const m of withoutFlags.matchAll(TAG_RUN)) {
    const decoded = decodeTags(m[0]);
    hits.push({ kind: 'tag-chars', count: Array.from(m[0]).length, decoded: decoded || undefined, sample: escapeSample(m[0]) });
  }

  const bidi = text.match(BIDI);
  if (bidi) hits.push({ kind: 'bidi', count: bidi.length, sample: escapeSample(bidi.join('')) });

  let zwCount = 0;
  let zwRun = '';
  const runs: string[] = [];
  for (const m of text.matchAll(ZERO_WIDTH)) {
    const idx = m.index ?? 0;
    const ch = m[0];
    if (ch === '\uFEFF' && idx === 0) continue; // byte-order mark at start of text
    if ((ch === '\u200D' || ch === '\u200C') && (JOINER_CONTEXT.test(prevChar(text, idx)) || JOINER_CONTEXT.test(nextChar(text, idx + 1))))
      continue;
    zwCount++;
  }
  for (const m of text.matchAll(/[\u200B-\u200D\u2060-\u2064\uFEFF]{8,}/gu)) runs.push(m[0]);
  if (zwCount > 0) {
    const decoded = runs.map(decodeZeroWidthBits).find((d) => d !== undefined);
    zwRun = runs[0] ?? '';
    hits.push({ kind: 'zero-width', count: zwCount, decoded, sample: escapeSample(zwRun || (text.match(ZERO_WIDTH)?.join('') ?? '')) });
  }

  for (const m of text.matchAll(VS_RUN)) {
    const idx = m.index ?? 0;
    const len = Array.from(m[0]).length;
    const legit = len === 1 && VS_BASE.test(prevChar(text, idx));
    if (legit) continue;
    const decoded = len >= 4 ? decodeVariationSelectors(m[0]) : undefined;
    hits.push({
      kind: 'variation-selectors',
      count: len,
      decoded: decoded && looksLikeWords(decoded) ? decoded : undefined,
      sample: escapeSample(m[0]),
    });
  }

  for (const m of text.matchAll(HTML_COMMENT)) {
    const inner = (m[1] ?? '').trim();
    if (inner.length > 0) hits.push({ kind: 'html-comment', count: inner.length, decoded: inner, sample: escapeSample(m[0]) });
  }

  const ansi = text.match(ANSI);
  if (ansi) {
    // Text after a "conceal" (ESC[8m) or inside cursor tricks is what the reviewer misses; re-scan the whole stripped text.
    hits.push({
      kind: 'ansi-escape',
      count: ansi.length,
      decoded: text.replace(ANSI, ''),
      sample: escapeSample(ansi.slice(0, 3).join('')),
    });
  }

  for (const m of text.matchAll(BASE64_RUN)) {
    const decoded = decodeBase64(m[0]);
    if (decoded) hits.push({ kind: 'encoded-base64', count: m[0].length, decoded, sample: escapeSample(m[0], 40) });
  }
  for (const m of text.matchAll(HEX_RUN)) {
    const decoded = decodeHex(m[0]);
    if (decoded) hits.push({ kind: 'encoded-hex', count: m[0].length, decoded, sample: escapeSample(m[0], 40) });
  }
  for (const m of text.matchAll(URL_ENC_RUN)) {
    const decoded = decodeUrl(m[0]);
    if (decoded) hits.push({ kind: 'encoded-url', count: m[0].length, decoded, sample: escapeSample(m[0], 40) });
  }

  const mixed = MIXED_HINT.test(text) ? [...text.matchAll(MIXED_WORD)].map((m) => m[0]).filter((w) => w.length >= 3) : [];
  if (mixed.length > 0) hits.push({ kind: 'mixed-script', count: mixed.length, sample: escapeSample(mixed.slice(0, 3).join(' ')) });

  return hits;
}

/** Text as a person sees it: invisible characters removed, NFKC-folded (fullwidth, math letters). */
export function visibleText(text: string): string {
  return text
    .replace(FLAG_TAG_SEQUENCE, '')
    .replace(TAG_RUN, '')
    .replace(VS_RUN, '')
    .replace(BIDI, '')
    .replace(ZERO_WIDTH, '')
    .replace(ANSI, '')
    .normalize('NFKC');
}
