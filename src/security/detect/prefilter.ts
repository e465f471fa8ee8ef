/**
 * A word-prefix prefilter for the phrase rules: which rules cannot match a text, found without
 * running them.
 *
 * Every rule is a regular expression over lower-cased text, and most of its cost is being tried
 * at every position of a long text. Most rules need several specific words ("ignore … previous …
 * instructions"). From each rule's source we derive, once, what any match must contain: a list of
 * clauses, each a set of word prefixes, such that every clause has at least one prefix that starts
 * a word of the text. A text then gets one cheap pass that collects the prefixes of its words, and
 * a rule whose clauses are not all met is skipped: it could not have matched.
 *
 * The derivation is conservative. It only reads literal runs that the pattern places right after a
 * word boundary (`\b`, or a literal non-word character), only through parts that must occur
 * (not optional groups, not lookarounds), and takes one clause from an alternation only when every
 * branch gives one. Anything it does not understand yields no clause, so the rule simply runs.
 * test/security/prefilter.test.ts checks on every corpus in data/detector and every rule example
 * that a rule never matches a text its prefilter would have skipped.
 */

/** Word prefixes are indexed and keyed at these lengths; a longer word is keyed by its first MAX_KEY characters. */
const MIN_KEY = 2;
const MAX_KEY = 6;
/**
 * A literal run not known to start a word is looked up as a substring: at least MIN_SUB characters
 * (MIN_SUB_WIDE when it has a non-ASCII character: two CJK characters are a word), at most SUB_MAX.
 */
const MIN_SUB = 3;
const MIN_SUB_WIDE = 2;
const SUB_MAX = 12;

/** One key: a word prefix (looked up in the text's prefix set) or a substring (looked up with `includes`). */
export interface Key {
  readonly prefix?: string;
  readonly sub?: string;
  /** prefixHash(prefix), filled in by requiredPrefixes. */
  readonly hash?: number;
  /** trigramHashes(sub), filled in by requiredPrefixes. */
  readonly trigrams?: readonly number[];
}
/** Each clause: at least one of its keys must be found in the text. All clauses must be met. */
export type Clauses = readonly (readonly Key[])[];

const isWord = (c: string | undefined) => c !== undefined && /^[a-z0-9_]$/i.test(c);

interface Info {
  clauses: Key[][];
  /** Whether the position after the part is known to be a word boundary (when the next character is a word character). */
  endBoundary: boolean;
}

// How good a key is at ruling text out: longer is rarer; a word prefix of the same length is a little weaker than a substring.
const keyScore = (k: Key) => (k.prefix ? k.prefix.length : (k.sub?.length ?? 0) + 0.5);
const clauseScore = (c: readonly Key[]) => c.reduce((m, k) => Math.min(m, keyScore(k)), Infinity);

// Escapes that stand for one literal character (flags are never `i`/`u`/`x` on the compiled rules).
const LITERAL_ESCAPES = new Set([...'/.-\'"?()[]{}*+|\\^$:,#&~!=<>@%` ']);
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };

type Atom =
  | { kind: 'literal'; char: string }
  | { kind: 'boundary' }
  | { kind: 'zero-width'; line?: boolean }
  | { kind: 'group'; info: Info }
  | { kind: 'space' }
  | { kind: 'other' };

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Info | undefined {
    const info = this.alternation(false);
    return this.i === this.src.length ? info : undefined;
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  /** `a|b|c` up to a closing `)` or the end. */
  private alternation(atBoundary: boolean): Info {
    const branches: Info[] = [this.sequence(atBoundary)];
    while (this.peek() === '|') {
      this.i++;
      branches.push(this.sequence(atBoundary));
    }
    if (branches.length === 1) return branches[0]!;
    const endBoundary = branches.every((b) => b.endBoundary);
    // One clause for the whole alternation: each branch's most selective clause, joined.
    const joined: Key[] = [];
    const seen = new Set<string>();
    for (const b of branches) {
      if (b.clauses.length === 0) return { clauses: [], endBoundary };
      const best = b.clauses.reduce((x, y) => {
        const sx = clauseScore(x);
        const sy = clauseScore(y);
        return sy > sx || (sy === sx && y.length < x.length) ? y : x;
      });
      for (const k of best) {
        const id = k.prefix !== undefined ? `p${k.prefix}` : `s${k.sub}`;
        if (!seen.has(id)) {
          seen.add(id);
          joined.push(k);
        }
      }
    }
    return { clauses: [joined], endBoundary };
  }

  /** A sequence of terms; each run of literal characters becomes one or more clauses. */
  private sequence(startsAtBoundary: boolean): Info {
    const clauses: Key[][] = [];
    let run = '';
    let runAtBoundary = false;
    // Whether the position just before the next term is known to be a word boundary.
    let boundary = startsAtBoundary;
    const flush = () => {
      if (run === '') return;
      // Every word the run starts (at its own start after a boundary, or after a non-word character in it) is required.
      let found = false;
      for (let i = 0; i < run.length; i++) {
        const wordStart = isWord(run[i]) && (i === 0 ? runAtBoundary : !isWord(run[i - 1]));
        if (!wordStart) continue;
        let j = i;
        while (j < run.length && j - i < MAX_KEY && isWord(run[j])) j++;
        if (j - i >= MIN_KEY) {
          clauses.push([{ prefix: run.slice(i, j) }]);
          found = true;
        }
      }
      // A run longer than a key is also required as a whole: "requestcatcher.com" is much rarer than words starting "reques".
      if ((!found && run.length >= (/[^\x00-\x7f]/.test(run) ? MIN_SUB_WIDE : MIN_SUB)) || run.length > MAX_KEY)
        clauses.push([{ sub: run.slice(0, SUB_MAX) }]);
      run = '';
      runAtBoundary = false;
    };
    while (this.i < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom(boundary);
      const q = this.quantifier();
      if (atom.kind === 'literal') {
        if (q.min === 1 && q.max === 1) {
          if (run === '') runAtBoundary = boundary;
          run += atom.char;
          boundary = !isWord(atom.char);
          continue;
        }
        flush();
        // After one or more non-word characters, a word character starts a word.
        boundary = q.min >= 1 ? !isWord(atom.char) : boundary && !isWord(atom.char);
        continue;
      }
      flush();
      switch (atom.kind) {
        case 'boundary':
          boundary = true;
          break;
        case 'zero-width':
          // ^ (and $ before a line break): the next word character starts a word. Lookarounds keep the state.
          if (atom.line) boundary = true;
          break;
        case 'space':
          boundary = q.min >= 1 ? true : boundary;
          break;
        case 'group':
          if (q.min >= 1) {
            clauses.push(...atom.info.clauses);
            boundary = atom.info.endBoundary;
          } else boundary = boundary && atom.info.endBoundary;
          break;
        default:
          boundary = false;
      }
    }
    flush();
    return { clauses, endBoundary: boundary };
  }

  private quantifier(): { min: number; max: number } {
    const c = this.peek();
    let min = 1;
    let max = 1;
    if (c === '?' || c === '*' || c === '+') {
      this.i++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Infinity;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return { min, max };
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
    } else return { min, max };
    if (this.peek() === '?') this.i++; // lazy
    return { min, max };
  }

  private atom(atBoundary: boolean): Atom {
    const c = this.src[this.i++]!;
    if (c === '(') {
      let lookaround = false;
      if (this.src.startsWith('?:', this.i)) this.i += 2;
      else if (/^\?<?[=!]/.test(this.src.slice(this.i, this.i + 3))) {
        lookaround = true;
        this.i += this.src[this.i + 1] === '<' ? 3 : 2;
      } else if (this.src.startsWith('?<', this.i)) {
        const end = this.src.indexOf('>', this.i);
        this.i = end + 1;
      }
      const info = this.alternation(atBoundary && !lookaround);
      if (this.peek() !== ')') throw new Error('unbalanced group');
      this.i++;
      return lookaround ? { kind: 'zero-width' } : { kind: 'group', info };
    }
    if (c === '[') {
      // Skip the class, escapes inside whole. In JavaScript `[]` matches nothing and `[^]` anything:
      // rare enough to give up on (the rule then always runs) rather than to model.
      if (this.peek() === '^') this.i++;
      if (this.peek() === ']') throw new Error('empty class');
      while (this.i < this.src.length && this.peek() !== ']') this.i += this.peek() === '\\' ? 2 : 1;
      this.i++;
      return { kind: 'other' };
    }
    if (c === '^') return { kind: 'zero-width', line: true };
    if (c === '$') return { kind: 'zero-width' };
    if (c === '.') return { kind: 'other' };
    if (c === '\\') {
      const e = this.src[this.i++]!;
      // Named back-references and control escapes are not modelled: give up (the rule always runs).
      if (e === 'k' || e === 'c') throw new Error(`unsupported escape \\${e}`);
      if (e === 'b') return { kind: 'boundary' };
      if (e === 'B') return { kind: 'zero-width' };
      if (e === 's' || e === 'W') return { kind: 'space' };
      if (LITERAL_ESCAPES.has(e)) return { kind: 'literal', char: e };
      if (CONTROL_ESCAPES[e]) return { kind: 'literal', char: CONTROL_ESCAPES[e] };
      if (e === 'u' && /^[0-9a-f]{4}/i.test(this.src.slice(this.i, this.i + 4))) {
        const ch = String.fromCharCode(parseInt(this.src.slice(this.i, this.i + 4), 16));
        this.i += 4;
        return { kind: 'literal', char: ch };
      }
      if (e === 'x' && /^[0-9a-f]{2}/i.test(this.src.slice(this.i, this.i + 2))) {
        const ch = String.fromCharCode(parseInt(this.src.slice(this.i, this.i + 2), 16));
        this.i += 2;
        return { kind: 'literal', char: ch };
      }
      if (/\d/.test(e)) {
        while (/\d/.test(this.peek() ?? '')) this.i++; // a back-reference
        return { kind: 'other' };
      }
      return { kind: 'other' }; // \w \d \S \D \p… and anything else: not a literal
    }
    return { kind: 'literal', char: c };
  }
}

/**
 * The clauses every match of `source` satisfies, or an empty list when none can be derived (the
 * rule then always runs). Flags must not include `i`: rules run on lower-cased text without it.
 */
export function requiredPrefixes(source: string): Clauses {
  let clauses: Key[][];
  try {
    clauses = new Parser(source).parse()?.clauses ?? [];
  } catch {
    return [];
  }
  // Word prefixes are a set lookup, substrings a scan of the text: try the prefixes first.
  return clauses.map((c) => [
    ...c.filter((k) => k.prefix !== undefined).map((k) => ({ prefix: k.prefix, hash: prefixHash(k.prefix!) })),
    ...c.filter((k) => k.prefix === undefined).map((k) => ({ sub: k.sub, trigrams: trigramHashes(k.sub!) })),
  ]);
}

/** The hash TextIndex files a word prefix under (any 32-bit mix works: a collision only lets a rule run). */
export function prefixHash(prefix: string): number {
  let h = 0;
  for (let i = 0; i < prefix.length; i++) h = (Math.imul(h, 31) + prefix.charCodeAt(i)) | 0;
  return h;
}

const trigramAt = (s: string, i: number): number =>
  (Math.imul(Math.imul(s.charCodeAt(i), 31) + s.charCodeAt(i + 1), 31) + s.charCodeAt(i + 2)) | 0;

/** The hashes TextIndex files a substring's three-character pieces under. */
export function trigramHashes(sub: string): number[] {
  const out: number[] = [];
  for (let i = 0; i + 3 <= sub.length; i++) out.push(trigramAt(sub, i));
  return out;
}

/** Word prefixes also fall into one of 2^16 fixed buckets, so that matcher.ts can find the branches a text wakes from the text's side. */
export const BUCKET_BITS = 16;
export const prefixBucket = (hash: number): number => Math.imul(hash, 0x9e3779b1) >>> (32 - BUCKET_BITS);
const bucketSeen = new Uint32Array(1 << BUCKET_BITS);
let bucketEpoch = 0;

/** Table bits per text character: about one word prefix per 1.3 characters, so the table stays under 1/10 full. */
const BITS_PER_CHAR = 8;
const MIN_BITS_LOG2 = 9;

/**
 * What the prefilter knows about one lower-cased text: the prefixes (MIN_KEY..MAX_KEY characters)
 * of its words, filed by hash in a bit table in one pass (no strings are built), and substring
 * lookups, each done at most once. A hash collision can only make `has` say yes wrongly, which
 * lets a rule run that could have been skipped; it never skips one.
 */
export class TextIndex {
  private readonly bits: Uint32Array;
  // Every three-character piece of the text, by hash: a substring with a piece missing is not there.
  private readonly trigramBits: Uint32Array;
  private readonly shift: number;
  private subs: Map<string, boolean> | undefined;
  /** Per-text results other modules derive from the index (matcher.ts: which branches may match). */
  readonly memo = new Map<object | symbol, unknown>();
  /** The distinct prefixBucket()s of the text's word prefixes. */
  readonly buckets: number[] = [];
  /** No character outside ASCII: substrings with one cannot be in the text. */
  readonly ascii: boolean;

  constructor(readonly text: string) {
    const n = text.length;
    let log2 = MIN_BITS_LOG2;
    while (1 << log2 < n * BITS_PER_CHAR && log2 < 24) log2++;
    this.bits = new Uint32Array(1 << (log2 - 5));
    this.trigramBits = new Uint32Array(1 << (log2 - 5));
    this.shift = 32 - log2;
    const epoch = ++bucketEpoch;
    for (let t = 0; t + 3 <= n; t++) {
      const slot = this.slot(trigramAt(text, t));
      this.trigramBits[slot >>> 5]! |= 1 << (slot & 31);
    }
    this.ascii = !/[^\x00-\x7f]/.test(text);
    let i = 0;
    while (i < n) {
      // Skip to the start of a word (ASCII letters, digits, underscore: what \b knows).
      while (i < n && !wordCode(text.charCodeAt(i))) i++;
      let h = 0;
      let k = 0;
      while (i < n && wordCode(text.charCodeAt(i))) {
        if (k < MAX_KEY) {
          h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
          if (++k >= MIN_KEY) {
            this.set(h);
            const b = prefixBucket(h);
            if (bucketSeen[b] !== epoch) {
              bucketSeen[b] = epoch;
              this.buckets.push(b);
            }
          }
        }
        i++;
      }
    }
  }

  private slot(h: number): number {
    return Math.imul(h, 0x9e3779b1) >>> this.shift;
  }

  private set(h: number): void {
    const s = this.slot(h);
    this.bits[s >>> 5]! |= 1 << (s & 31);
  }

  private static bit(table: Uint32Array, slot: number): boolean {
    return (table[slot >>> 5]! & (1 << (slot & 31))) !== 0;
  }

  /** Whether some word of the text starts with `prefix` (MIN_KEY..MAX_KEY characters); may say yes wrongly, never no wrongly. */
  hasPrefix(prefix: string, hash = prefixHash(prefix)): boolean {
    return TextIndex.bit(this.bits, this.slot(hash));
  }

  /** Whether a three-character piece with this hash (trigramHashes) may be in the text; never no wrongly. */
  hasTrigramHash(hash: number): boolean {
    return TextIndex.bit(this.trigramBits, this.slot(hash));
  }

  has(key: Key): boolean {
    if (key.prefix !== undefined) return this.hasPrefix(key.prefix, key.hash);
    const sub = key.sub!;
    for (const h of key.trigrams ?? trigramHashes(sub)) if (!this.hasTrigramHash(h)) return false;
    this.subs ??= new Map();
    let found = this.subs.get(sub);
    if (found === undefined) {
      found = this.text.includes(sub);
      this.subs.set(sub, found);
    }
    return found;
  }
}

function wordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
}

/** Whether every clause has a key in the text. */
export function mayMatch(clauses: Clauses, index: TextIndex): boolean {
  for (const clause of clauses) {
    let met = false;
    for (const key of clause)
      if (index.has(key)) {
        met = true;
        break;
      }
    if (!met) return false;
  }
  return true;
}
