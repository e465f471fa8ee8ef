/**
 * The detection engine's data shapes: lexicons (words per concept and language, compiled once),
 * named exemptions, and the trace a verdict carries so a maintainer can see which rule fired,
 * what it matched, and which exemption cancelled or cheapened it.
 */

/** One concept's vocabulary, one list per language; entries are regex fragments (already escaped). */
export interface Lexicon {
  concept: string;
  rationale: string;
  entries: Record<string, readonly string[]>;
}

/**
 * Alternation of every language's entries, longest first so "is never read" wins over "never";
 * `sort: false` keeps the listed order where a rule's match text depends on it. The alternation
 * comes in a non-capturing group; `group: false` leaves it bare, for a pattern that is a top-level
 * alternation itself. A repeated entry is compiled once.
 */
export function lexiconSource(lex: Lexicon, options: { sort?: boolean; group?: boolean } = {}): string {
  const all = [...new Set(Object.values(lex.entries).flat())];
  if (options.sort !== false) all.sort((a, b) => b.length - a.length);
  return options.group === false ? all.join('|') : `(?:${all.join('|')})`;
}

export interface Examples {
  /** Texts on which the rule fires (for an exemption: on which it suppresses or cheapens a signal). */
  hit: readonly string[];
  /** Texts on which it must not. */
  miss: readonly string[];
}

/** A named exception to a rule: why honest text trips the rule, and examples on both sides. */
export interface Exemption {
  name: string;
  rationale: string;
  examples: Examples;
}

/** One line of the explain trace. */
export interface TraceEntry {
  /** Rule (or model) that produced the signal, e.g. `override#2`, `structure:exfil`, `model:logreg`. */
  rule: string;
  /** Signal id the rule contributes to. */
  signal: string;
  /** What the rule matched (truncated), or the model's top n-grams. */
  matched: string;
  /** Weight the signal counts with after exemptions (0 when suppressed). */
  weight: number;
  /** Exemption that removed the signal. */
  suppressedBy?: string;
  /** Exemption that lowered its weight (weight above is the lowered one). */
  adjustedBy?: string;
}

export function formatTrace(trace: readonly TraceEntry[]): string[] {
  return trace.map((t) => {
    const tail = t.suppressedBy ? ` suppressed by ${t.suppressedBy}` : t.adjustedBy ? ` adjusted by ${t.adjustedBy}` : '';
    return `${t.rule} -> ${t.signal} (${t.weight}) "${t.matched.replace(/\s+/g, ' ').trim().slice(0, 100)}"${tail}`;
  });
}

/**
 * The same pattern for text that is already lower-cased (normalizeForRules): without the `i` flag,
 * whose Unicode case folding is the slow part of matching. `drop` names the flags to remove; the
 * pattern must not rely on upper-case literals.
 */
export function forLowerCase(re: RegExp, drop = 'i'): RegExp {
  return new RegExp(re.source, [...re.flags].filter((f) => !drop.includes(f)).join(''));
}
