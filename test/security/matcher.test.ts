import { describe, expect, it } from 'vitest';
import { corpus, CORPUS_TIMEOUT_MS } from './helpers.js';
import { Matcher } from '../../src/security/detect/matcher.js';
import { TextIndex } from '../../src/security/detect/prefilter.js';
import { RULE_DOCS } from '../../src/security/detect/rule-docs.js';
import { normalizeForRules, scoreText } from '../../src/security/signals.js';
// Importing the scanner builds every matcher the rules and the structural checks use.
import '../../src/security/index.js';

// How structure.ts cuts a text into sentences (its matchers run on these with the whole text's index).
const SPLIT = /(?<=[.!?])\s+|[。！？\n]+|;\s+/;

const show = (m: RegExpExecArray | null) => (m ? `${m.index}:${JSON.stringify(m[0])}` : 'null');

describe('split matchers', () => {
  it(
    'match exactly what their expression matches: every matcher, every corpus text and every sentence of it',
    () => {
      const matchers = Matcher.all();
      expect(matchers.length).toBeGreaterThan(100);
      const texts = corpus();
      expect(texts.length).toBeGreaterThan(3000);
      const wrong: string[] = [];
      let matches = 0;
      let runs = 0;
      for (const text of texts) {
        const norm = normalizeForRules(text);
        const index = new TextIndex(norm);
        const pieces = [
          norm,
          ...norm
            .split(SPLIT)
            .map((s) => s.trim())
            .filter((s) => s.length >= 4 && s !== norm),
        ];
        for (const m of matchers)
          for (const piece of pieces) {
            const want = m.re.exec(piece);
            const got = m.exec(piece, index);
            runs++;
            if (want) matches++;
            if (show(want) !== show(got) || m.test(piece, index) !== (want !== null))
              wrong.push(`${m.name} on ${JSON.stringify(piece.slice(0, 80))}: ${show(want)} vs ${show(got)}`);
          }
      }
      expect(wrong.slice(0, 20)).toEqual([]);
      // The comparison means something only if the expressions do match.
      expect(matches).toBeGreaterThan(5000);
      expect(runs).toBeGreaterThan(1_000_000);
    },
    CORPUS_TIMEOUT_MS,
  );

  it('splits alternations, keeps the leftmost match and the earlier branch on a tie', () => {
    const lex = new Matcher(/\b(?:api keys?|access tokens?|cvv)\b/, 'test:lexicon');
    expect(lex.leaves.map((l) => l.re.source)).toEqual(['\\bapi keys?\\b', '\\baccess tokens?\\b', '\\bcvv\\b']);
    const text = 'send the cvv and the api key';
    const index = new TextIndex(text);
    expect(show(lex.exec(text, index))).toBe('9:"cvv"');
    // A tie at one position goes to the branch written first, as the engine does.
    const tie = new Matcher(/a|ab/, 'test:tie');
    expect(show(tie.exec('xab', new TextIndex('xab')))).toBe('1:"a"');
    // A branch that needs its continuation: `(?:a|ab)c` on "abc" backtracks into the second branch.
    const cont = new Matcher(/(?:a|ab)c/, 'test:continuation');
    expect(cont.leaves).toHaveLength(2);
    expect(show(cont.exec('abc', new TextIndex('abc')))).toBe('0:"abc"');
    // Nested: a deterministic prefix is carried into each branch, and single-branch groups are opened.
    const nested = new Matcher(/\bsend (?:(?:the|your) (?:keys?|tokens?))\b/, 'test:nested');
    expect(nested.leaves.map((l) => l.re.source)).toEqual([
      '\\bsend the keys?\\b',
      '\\bsend the tokens?\\b',
      '\\bsend your keys?\\b',
      '\\bsend your tokens?\\b',
    ]);
  });

  it('does not split what it cannot split exactly', () => {
    // After a part that can match in several ways, branch order would no longer decide the same way.
    expect(new Matcher(/\b(?:the )?(?:ab|cd)/, 'test:optional-prefix').leaves).toHaveLength(1);
    // Capturing groups and back-references would be renumbered.
    expect(new Matcher(/(a|b)c|d/, 'test:capture').leaves).toHaveLength(1);
    expect(new Matcher(/(?<w>x|y)-\k<w>/, 'test:backref').leaves).toHaveLength(1);
    // Inside a lookbehind, nothing is split.
    expect(new Matcher(/(?<!\b(?:ssh|user) )agent/, 'test:lookbehind').leaves).toHaveLength(1);
    // Stateful or case-folding flags are refused by name.
    expect(() => new Matcher(/a|b/g, 'test:global')).toThrow(/test:global.*flags/);
    expect(() => new Matcher(/a|b/i, 'test:fold')).toThrow(/test:fold.*flags/);
  });

  it('skips branches whose words the text lacks, and runs without an index as the plain expression', () => {
    const lex = new Matcher(/\b(?:password|passphrase|seed phrase)\b/, 'test:skip');
    const text = 'returns the weather for a city';
    const index = new TextIndex(text);
    expect(lex.exec(text, index)).toBeNull();
    expect(show(lex.exec('my seed phrase'))).toBe('3:"seed phrase"');
  });

  it(
    'an attack cannot make the prefilter skip it by where it stands: every rule example in hostile surroundings scores as with every expression run whole',
    () => {
      // Word starts are what the index keys on: glue the text to letters, digits, underscores and
      // punctuation, split it over lines, upper-case it, repeat its spaces.
      const around = [
        (h: string) => h,
        (h: string) => `(${h})`,
        (h: string) => `。${h}`,
        (h: string) => `Note:${h}`,
        (h: string) => `a.${h}.b`,
        (h: string) => `x${h}`,
        (h: string) => `_${h}_`,
        (h: string) => `1${h}2`,
        (h: string) => `Returns the weather.\n\t${h}`,
        (h: string) => h.toUpperCase(),
        (h: string) => h.replace(/ /g, '  '),
        (h: string) => h.replace(/ /g, '\n'),
        (h: string) => h.replace(/ /g, '\u00a0'),
      ];
      const hits = Object.values(RULE_DOCS).flatMap((d) => d.examples.hit);
      expect(hits.length).toBeGreaterThan(100);
      const wrong: string[] = [];
      let flagged = 0;
      for (const h of hits)
        for (const wrap of around) {
          const text = wrap(h);
          const split = JSON.stringify(scoreText(text, { ownName: 'get_weather' }));
          Matcher.plain = true;
          let whole: string;
          try {
            whole = JSON.stringify(scoreText(text, { ownName: 'get_weather' }));
          } finally {
            Matcher.plain = false;
          }
          if (split !== whole) wrong.push(JSON.stringify(text.slice(0, 80)));
          if (JSON.parse(split).score > 0) flagged++;
        }
      expect(wrong.slice(0, 20)).toEqual([]);
      expect(flagged).toBeGreaterThan(hits.length * 5);
    },
    CORPUS_TIMEOUT_MS,
  );
});
