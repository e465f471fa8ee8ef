/**
 * Split matching: a regular expression that is a long alternation ("any of these 150 phrases")
 * runs as one small expression per branch, and only the branches whose required words occur in
 * the text are run at all.
 *
 * A backtracking engine tries every branch of an alternation at every position of the text, so a
 * 150-phrase lexicon costs 150 attempts per character, and a word-prefix prefilter over the whole
 * expression (prefilter.ts) rarely helps: some common word in one branch lets it through. Split,
 * each branch has its own prefilter clauses, and a benign text typically wakes none of them.
 *
 * The split keeps every match identical (same position, same text):
 * - `A|B|C` matches, at the leftmost position where any branch matches, the first branch (in
 *   written order) that matches there; so does running A, B and C separately and keeping the
 *   leftmost result, ties going to the earlier branch;
 * - `P(?:A|B)S` is `PAS|PBS` when P can match in only one way (literal characters, classes,
 *   `\b`, anchors and lookarounds, none quantified): the engine then explores, for each branch in
 *   order, the same matches of the branch and of S;
 * - expressions with capturing groups or back-references, or flags that make matching stateful
 *   (`g`, `y`) or fold case (`i`, which the prefilter does not model), are not split;
 * - nothing inside a lookaround is split.
 * test/security/matcher.test.ts runs every registered matcher against its original expression on
 * every text in data/detector, the scan fixtures and the rule examples, and on their sentences.
 */

import { BUCKET_BITS, mayMatch, prefixBucket, requiredPrefixes, type Clauses, type Key, type TextIndex } from './prefilter.js';

/** An expression is split into at most this many branches (more only adds clause checks per text). */
const MAX_LEAVES = 400;

interface Seq {
  items: Item[];
}
interface Alternation {
  alts: Seq[];
}
type Item = { kind: 'atom'; text: string; quantified: boolean } | { kind: 'group'; open: string; body: Alternation; quant: string };

const QUANT = /^(?:[?*+]|\{\d+(?:,\d*)?\})\??/;

class Parser {
  captures = false;
  backrefs = false;
  i = 0;
  constructor(readonly src: string) {}

  alternation(): Alternation {
    const alts: Seq[] = [{ items: [] }];
    while (this.i < this.src.length) {
      const c = this.src[this.i] as string;
      if (c === ')') break;
      if (c === '|') {
        this.i++;
        alts.push({ items: [] });
        continue;
      }
      (alts[alts.length - 1] as Seq).items.push(this.item());
    }
    return { alts };
  }

  private quant(): string {
    const m = QUANT.exec(this.src.slice(this.i));
    if (!m) return '';
    this.i += m[0].length;
    return m[0];
  }

  private item(): Item {
    const src = this.src;
    const start = this.i;
    const c = src[this.i] as string;
    if (c === '(') {
      const head = /^\((?:\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>))?/.exec(src.slice(this.i));
      const open = head ? head[0] : '(';
      if (open === '(' || (open.startsWith('(?<') && !open.startsWith('(?<=') && !open.startsWith('(?<!'))) this.captures = true;
      this.i += open.length;
      const body = this.alternation();
      if (src[this.i] !== ')') throw new Error(`unbalanced group in /${src}/`);
      this.i++;
      return { kind: 'group', open, body, quant: this.quant() };
    }
    if (c === '[') {
      this.i++;
      if (src[this.i] === '^') this.i++;
      // In JavaScript `]` right after `[` closes the class (`[]` matches nothing).
      while (this.i < src.length && src[this.i] !== ']') this.i += src[this.i] === '\\' ? 2 : 1;
      this.i++;
      return this.atom(start);
    }
    if (c === '\\') {
      const rest = src.slice(this.i);
      const m = /^\\(?:[pPk](?:\{[^}]*\}|<[^>]*>)|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|\d+|[\s\S])/.exec(rest);
      this.i += m ? m[0].length : 2;
      const text = src.slice(start, this.i);
      if (/^\\(?:[1-9]|k<)/.test(text)) this.backrefs = true;
      return this.atom(start);
    }
    this.i++;
    return this.atom(start);
  }

  private atom(start: number): Item {
    const text = this.src.slice(start, this.i);
    const q = this.quant();
    return { kind: 'atom', text: text + q, quantified: q !== '' };
  }
}

const serializeSeq = (seq: Seq): string => seq.items.map(serializeItem).join('');
const serializeItem = (it: Item): string =>
  it.kind === 'atom' ? it.text : `${it.open}${it.body.alts.map(serializeSeq).join('|')})${it.quant}`;

/** Matches in exactly one way or not at all: an unquantified single-character item, an anchor, a lookaround, or a group of such. */
function deterministic(it: Item): boolean {
  if (it.kind === 'atom') return !it.quantified;
  if (it.quant !== '') return false;
  if (/^\(\?<?[=!]/.test(it.open)) return true;
  return it.body.alts.length === 1 && (it.body.alts[0] as Seq).items.every(deterministic);
}

/** The branches of one sequence, in the order the engine would try them. */
function splitSeq(items: Item[], budget: { left: number }): Item[][] {
  for (let k = 0; k < items.length; k++) {
    const it = items[k] as Item;
    // `(?:X)` is X: open the group up so that an alternation inside it can be split.
    if (it.kind === 'group' && it.open === '(?:' && it.quant === '' && it.body.alts.length === 1) {
      items = [...items.slice(0, k), ...(it.body.alts[0] as Seq).items, ...items.slice(k + 1)];
      k--;
      continue;
    }
    if (it.kind === 'group' && it.open === '(?:' && it.quant === '' && it.body.alts.length > 1 && budget.left >= it.body.alts.length) {
      budget.left -= it.body.alts.length - 1;
      const before = items.slice(0, k);
      const after = items.slice(k + 1);
      return it.body.alts.flatMap((alt) => splitSeq([...before, ...alt.items, ...after], budget));
    }
    if (!deterministic(it)) break;
  }
  return [items];
}

interface Leaf {
  readonly re: RegExp;
  readonly clauses: Clauses;
  /** The clauses as checked: rarest first, the anchor (known present once woken) left out. */
  checks: Clauses;
}

const REGISTRY: Matcher[] = [];

// The anchor should be the clause rarest in ordinary text: longer keys are rarer, and the words
// every sentence has are useless. Both kinds of key cost a few bit tests (substrings by trigram).
const COMMON = new Set([
  'to',
  'th',
  'the',
  'yo',
  'you',
  'an',
  'and',
  'any',
  'al',
  'all',
  'of',
  'in',
  'is',
  'it',
  'for',
  'or',
  'on',
  'be',
  'this',
  'that',
  'wi',
  'with',
]);
const keyRarity = (k: Key): number => {
  const text = k.prefix ?? k.sub ?? '';
  return COMMON.has(text.trim()) ? 0 : text.length;
};
const anchorScore = (c: readonly Key[]): number => c.reduce((m, k) => Math.min(m, keyRarity(k)), Infinity) - c.length / 100;

let epoch = 0;
const NON_ASCII = /[^\x00-\x7f]/;

// Every matcher's word-prefix anchors by bucket: a text visits the buckets of its own words and
// wakes what is filed there (a bucket shared by two prefixes wakes both; the full check sorts it out).
const BUCKETS: ({ matcher: Matcher; at: number }[] | undefined)[] = new Array(1 << BUCKET_BITS);
const WOKEN = Symbol('woken anchors');

/** For each matcher, the word-prefix anchors (positions in its anchorKeys) the indexed text may have. */
function wokenAnchors(index: TextIndex): Map<Matcher, number[]> {
  const cached = index.memo.get(WOKEN) as Map<Matcher, number[]> | undefined;
  if (cached) return cached;
  const woken = new Map<Matcher, number[]>();
  for (const b of index.buckets) {
    const entries = BUCKETS[b];
    if (!entries) continue;
    for (const { matcher, at } of entries) {
      const list = woken.get(matcher);
      if (list) list.push(at);
      else woken.set(matcher, [at]);
    }
  }
  index.memo.set(WOKEN, woken);
  return woken;
}

/** A RegExp run as its split branches, each behind its own prefilter clauses (see above). */
export class Matcher {
  /**
   * Run every expression whole, ignoring the index (the engine as it was before split matching).
   * Verdicts are the same either way; bench/scan.ts sets it to measure the split against it.
   */
  static plain = false;
  readonly leaves: readonly Leaf[];
  // Each leaf is filed under the keys of one of its clauses (its anchor): a text wakes only the
  // leaves filed under a key it has, and those are then checked in full. Leaves without clauses always run.
  private readonly anchorKeys: Key[] = [];
  private readonly anchored: number[][] = [];
  // The anchors that are substrings (looked up by this matcher; the word prefixes are found from the text's side).
  private readonly subAt: number[] = [];
  // One three-character piece of each (the middle one), tested first: most texts fail on it.
  private subProbe = new Int32Array(0);
  // Those of them with a non-ASCII character, which an ASCII text cannot hold.
  private readonly wideSubAt: number[] = [];
  private readonly always: number[] = [];
  private readonly seen: Uint32Array;

  /** `name` identifies it in test/security/matcher.test.ts; every matcher is registered there. */
  constructor(
    readonly re: RegExp,
    readonly name: string,
  ) {
    if (/[giy]/.test(re.flags)) throw new Error(`Matcher ${name}: flags "${re.flags}" are not supported (g, i, y)`);
    const p = new Parser(re.source);
    const tree = p.alternation();
    if (p.i !== re.source.length) throw new Error(`Matcher ${name}: unbalanced group in /${re.source}/`);
    const budget = { left: MAX_LEAVES - tree.alts.length };
    const branches =
      p.captures || p.backrefs || budget.left < 0
        ? [re.source]
        : tree.alts.flatMap((alt) => splitSeq(alt.items, budget)).map((items) => items.map(serializeItem).join(''));
    this.leaves = branches.map((src) => ({
      re: branches.length === 1 ? re : new RegExp(src, re.flags),
      clauses: requiredPrefixes(src),
      checks: [],
    }));
    const slot = new Map<string, number>();
    this.leaves.forEach((leaf, id) => {
      if (leaf.clauses.length === 0) {
        this.always.push(id);
        return;
      }
      const anchor = leaf.clauses.reduce((a, b) => (anchorScore(b) > anchorScore(a) ? b : a));
      // The anchor that woke the leaf is known present (but for a bucket shared by two prefixes, which only costs a run).
      leaf.checks = leaf.clauses.filter((c) => c !== anchor).sort((a, b) => anchorScore(b) - anchorScore(a));
      for (const key of anchor) {
        const k = key.prefix !== undefined ? `p${key.prefix}` : `s${key.sub}`;
        let at = slot.get(k);
        if (at === undefined) {
          at = this.anchorKeys.length;
          slot.set(k, at);
          this.anchorKeys.push(key);
          this.anchored.push([]);
        }
        this.anchored[at]!.push(id);
      }
    });
    this.seen = new Uint32Array(this.leaves.length);
    this.anchorKeys.forEach((k, at) => {
      if (k.prefix === undefined) {
        (NON_ASCII.test(k.sub!) ? this.wideSubAt : this.subAt).push(at);
        return;
      }
      const b = prefixBucket(k.hash!);
      (BUCKETS[b] ??= []).push({ matcher: this, at });
    });
    this.subProbe = Int32Array.from(this.subAt, (at) => {
      const tri = this.anchorKeys[at]!.trigrams ?? [];
      return tri[tri.length >> 1] ?? 0;
    });
    REGISTRY.push(this);
  }

  private wake(at: number, e: number, ids: number[]): void {
    for (const id of this.anchored[at]!)
      if (this.seen[id] !== e) {
        this.seen[id] = e;
        ids.push(id);
      }
  }

  /** The leaves whose clauses the indexed text meets, in written order, worked out once per index. */
  private live(index: TextIndex): readonly Leaf[] {
    const cached = index.memo.get(this) as Leaf[] | undefined;
    if (cached) return cached;
    const e = ++epoch;
    const ids = this.always.slice();
    for (const at of wokenAnchors(index).get(this) ?? []) this.wake(at, e, ids);
    const probe = this.subProbe;
    for (let k = 0; k < probe.length; k++) {
      if (!index.hasTrigramHash(probe[k]!)) continue;
      const at = this.subAt[k]!;
      if (index.has(this.anchorKeys[at]!)) this.wake(at, e, ids);
    }
    if (!index.ascii) for (const at of this.wideSubAt) if (index.has(this.anchorKeys[at]!)) this.wake(at, e, ids);
    if (ids.length > 1) ids.sort((a, b) => a - b);
    const live: Leaf[] = [];
    for (const id of ids) {
      const leaf = this.leaves[id]!;
      if (mayMatch(leaf.checks, index)) live.push(leaf);
    }
    index.memo.set(this, live);
    return live;
  }

  /**
   * What `re.exec(text)` returns (position and matched text; groups are not kept). `index`, when
   * given, indexes `text` or a text that holds it as a piece cut at non-word characters (a sentence).
   */
  exec(text: string, index?: TextIndex): RegExpExecArray | null {
    if (!index || Matcher.plain) return this.re.exec(text);
    let best: RegExpExecArray | null = null;
    for (const leaf of this.live(index)) {
      // Most leaves that wake do not match: test() builds no result array.
      if (!leaf.re.test(text)) continue;
      const m = leaf.re.exec(text);
      if (m && (best === null || m.index < best.index)) best = m;
      if (best?.index === 0) break;
    }
    return best;
  }

  test(text: string, index?: TextIndex): boolean {
    if (!index || Matcher.plain) return this.re.test(text);
    for (const leaf of this.live(index)) if (leaf.re.test(text)) return true;
    return false;
  }

  /** Every matcher built so far (for the equivalence test). */
  static all(): readonly Matcher[] {
    return REGISTRY;
  }
}
