/**
 * A compact confusable-skeleton function in the spirit of Unicode TR39: enough to see that
 * `read_fіle` (Cyrillic і) or `ｒｅａｄ_file` (fullwidth) is posing as `read_file`.
 * NFKC handles fullwidth and mathematical alphanumerics; the table below handles the
 * cross-script look-alikes NFKC leaves alone. Hand-built from the letter shapes, not copied.
 */

const PAIRS: [string, string][] = [
  // Cyrillic lowercase
  ['а', 'a'],
  ['в', 'b'],
  ['е', 'e'],
  ['ё', 'e'],
  ['о', 'o'],
  ['р', 'p'],
  ['с', 'c'],
  ['у', 'y'],
  ['х', 'x'],
  ['і', 'i'],
  ['ї', 'i'],
  ['ј', 'j'],
  ['ѕ', 's'],
  ['ԁ', 'd'],
  ['ӏ', 'l'],
  ['һ', 'h'],
  ['ԛ', 'q'],
  ['ԝ', 'w'],
  ['к', 'k'],
  ['м', 'm'],
  ['н', 'h'],
  ['т', 't'],
  ['ц', 'u'],
  ['ь', 'b'],
  ['г', 'r'],
  ['п', 'n'],
  ['ѵ', 'v'],
  // Cyrillic uppercase
  ['А', 'a'],
  ['В', 'b'],
  ['Е', 'e'],
  ['К', 'k'],
  ['М', 'm'],
  ['Н', 'h'],
  ['О', 'o'],
  ['Р', 'p'],
  ['С', 'c'],
  ['Т', 't'],
  ['Х', 'x'],
  ['У', 'y'],
  ['І', 'l'],
  ['Ј', 'j'],
  ['Ѕ', 's'],
  ['Ԁ', 'd'],
  ['Ԛ', 'q'],
  ['Ԝ', 'w'],
  // Greek
  ['α', 'a'],
  ['β', 'b'],
  ['γ', 'y'],
  ['ε', 'e'],
  ['ι', 'i'],
  ['κ', 'k'],
  ['ν', 'v'],
  ['ο', 'o'],
  ['ρ', 'p'],
  ['τ', 't'],
  ['υ', 'u'],
  ['χ', 'x'],
  ['ω', 'w'],
  ['ϲ', 'c'],
  ['ϳ', 'j'],
  ['Α', 'a'],
  ['Β', 'b'],
  ['Ε', 'e'],
  ['Ζ', 'z'],
  ['Η', 'h'],
  ['Ι', 'l'],
  ['Κ', 'k'],
  ['Μ', 'm'],
  ['Ν', 'n'],
  ['Ο', 'o'],
  ['Ρ', 'p'],
  ['Τ', 't'],
  ['Υ', 'y'],
  ['Χ', 'x'],
  // Latin look-alikes and IPA
  ['ı', 'i'],
  ['ɩ', 'i'],
  ['ǀ', 'l'],
  ['ɑ', 'a'],
  ['ɡ', 'g'],
  ['ɢ', 'g'],
  ['ʜ', 'h'],
  ['ɪ', 'i'],
  ['ʟ', 'l'],
  ['ɴ', 'n'],
  ['ʀ', 'r'],
  ['ꜱ', 's'],
  ['ᴄ', 'c'],
  ['ᴏ', 'o'],
  ['ᴜ', 'u'],
  ['ᴠ', 'v'],
  ['ᴡ', 'w'],
  ['ᴢ', 'z'],
  ['ⅼ', 'l'],
  ['ℓ', 'l'],
  ['ſ', 'f'],
  // Armenian / Cherokee letters that imitate Latin
  ['օ', 'o'],
  ['ս', 'u'],
  ['հ', 'h'],
  ['ո', 'n'],
  ['Ꭺ', 'a'],
  ['Ꮯ', 'c'],
  ['Ꭼ', 'e'],
  ['Ꮋ', 'h'],
  ['Ꮃ', 'w'],
  // Digits and ASCII that read as letters
  ['0', 'o'],
  ['1', 'l'],
  ['|', 'l'],
  ['I', 'l'],
  ['5', 's'],
  // Dashes and separators
  ['‐', '-'],
  ['‑', '-'],
  ['‒', '-'],
  ['–', '-'],
  ['—', '-'],
  ['−', '-'],
  ['﹘', '-'],
  ['＿', '_'],
];

const MAP = new Map<string, string>(PAIRS);
// For reading words (not comparing skeletons) a capital І/Ӏ is an "i", as in "Іgnore".
const WORD_FOLD = new Map<string, string>([...PAIRS, ['І', 'i'], ['Ӏ', 'i'], ['Ι', 'i']]);

// Default-ignorable characters vanish from a skeleton.
const IGNORABLE = /[\p{Cf}\u034F\u115F\u1160\u3164\uFFA0\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;

/** Confusable skeleton: equal skeletons mean two strings can look the same. */
export function skeleton(input: string): string {
  const folded = input.normalize('NFKC').replace(IGNORABLE, '');
  let out = '';
  for (const ch of folded.normalize('NFD')) {
    if (/\p{Mn}/u.test(ch)) continue; // combining marks: é, ї and friends lose their accent
    out += MAP.get(ch) ?? ch;
  }
  out = out.toLowerCase();
  // Multi-letter look-alikes.
  return out.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/cl/g, 'd');
}

/** Name form for "same tool" comparisons: skeleton plus separators and case folded. */
export function nameKey(name: string): string {
  return skeleton(name).replace(/[-_.\s]+/g, '_');
}

/** Fold look-alike letters to Latin so keyword rules still match `іgnоrе` spelled with Cyrillic. */
export function foldToLatin(text: string): string {
  // Only words that already contain Latin letters are folded: genuine Cyrillic/Greek prose stays intact.
  return text.replace(/[\p{L}]+/gu, (word) => {
    if (!/\p{Script=Latin}/u.test(word)) return word;
    let w = '';
    for (const ch of word) w += /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}]/u.test(ch) ? (WORD_FOLD.get(ch) ?? ch) : ch;
    return w;
  });
}

/** True when an identifier mixes scripts or uses non-ASCII look-alikes of ASCII letters. */
export function isSpoofyIdentifier(name: string): boolean {
  if (/^[\x20-\x7E]*$/.test(name)) return false;
  const letters = name.normalize('NFKC');
  const hasLatin = /\p{Script=Latin}/u.test(letters);
  const hasOther = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u.test(letters);
  if (hasLatin && hasOther) return true;
  // Fullwidth or math letters fold to ASCII under NFKC: a display trick in an identifier.
  return letters !== name && /^[\x20-\x7E]*$/.test(letters);
}
