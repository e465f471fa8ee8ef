import { describe, expect, it } from 'vitest';
import { corpus, CORPUS_TIMEOUT_MS } from './helpers.js';
import { mayMatch, requiredPrefixes, TextIndex, type Clauses } from '../../src/security/detect/prefilter.js';
import { compiledRules, normalizeForRules } from '../../src/security/signals.js';

const keys = (c: Clauses) => c.map((clause) => clause.map((k) => k.prefix ?? `~${k.sub}`));

describe('rule prefilter', () => {
  it(
    'never skips a rule that matches: every rule, every text in data/detector, the scan fixtures and the rule examples',
    () => {
      // Every branch of every rule (detect/matcher.ts runs rules branch by branch, each behind its own clauses).
      const rules = compiledRules().flatMap((r) =>
        r.matcher.leaves.map((l, i) => ({ name: `${r.name}[${i}]`, re: l.re, clauses: l.clauses })),
      );
      const texts = corpus();
      expect(texts.length).toBeGreaterThan(3000);
      const missed: string[] = [];
      let matches = 0;
      let skipped = 0;
      for (const text of texts) {
        const norm = normalizeForRules(text);
        const index = new TextIndex(norm);
        for (const rule of rules) {
          const may = mayMatch(rule.clauses, index);
          if (!may) skipped++;
          if (!rule.re.test(norm)) continue;
          matches++;
          if (!may) missed.push(`${rule.name} on ${JSON.stringify(text.slice(0, 100))}`);
        }
      }
      expect(missed).toEqual([]);
      // The check means something only if rules do match, and the prefilter does skip.
      expect(matches).toBeGreaterThan(1000);
      expect(skipped / (texts.length * rules.length)).toBeGreaterThan(0.9);
    },
    CORPUS_TIMEOUT_MS,
  );

  it('every branch of every rule gets clauses (none falls back to always running)', () => {
    expect(compiledRules().flatMap((r) => r.matcher.leaves.filter((l) => l.clauses.length === 0).map(() => r.name))).toEqual([]);
  });

  it('derives words after a boundary, alternations, and nothing from optional parts or lookarounds', () => {
    expect(keys(requiredPrefixes(String.raw`\bignore (?:all )?(?:previous|prior) instructions\b`))).toEqual([
      ['ignore'],
      // A literal run longer than a key is also required whole.
      ['~ignore '],
      ['prior', '~previous'],
      ['instru'],
      ['~ instruction'],
    ]);
    // Not after a boundary: a substring, not a word prefix.
    expect(keys(requiredPrefixes(String.raw`(?<![a-z])token`))).toEqual([['~token']]);
    expect(keys(requiredPrefixes(String.raw`id_rsa|\.ssh\/`))).toEqual([['ssh', '~id_rsa']]);
    // An optional word or group is not required; a lookahead's words are not either.
    expect(keys(requiredPrefixes(String.raw`\bsecrets?\b(?! manager)`))).toEqual([['secret']]);
    expect(keys(requiredPrefixes(String.raw`\b(?:do not )?tell`))).toEqual([['tell']]);
    // An alternation with a branch that gives nothing gives nothing.
    expect(keys(requiredPrefixes(String.raw`\b(?:send|[a-z]+)\b`))).toEqual([]);
    // Two CJK characters are a word.
    expect(keys(requiredPrefixes('(?:忽略|无视)指令'))).toEqual([['~忽略', '~无视'], ['~指令']]);
    // Sources it cannot read yield no clause (the rule always runs).
    expect(requiredPrefixes('(unbalanced')).toEqual([]);
    // Constructs it does not model: named back-references, control escapes, JavaScript's empty and any-character classes.
    expect(requiredPrefixes(String.raw`\b(?<w>foo) and \k<w>`)).toEqual([]);
    expect(requiredPrefixes(String.raw`\bsend\cJleak`)).toEqual([]);
    expect(requiredPrefixes(String.raw`\bsend[^]x|\bleak[a-z]`)).toEqual([]);
    expect(requiredPrefixes(String.raw`\bsend[]x`)).toEqual([]);
  });

  it('indexes word prefixes the way \\b sees words', () => {
    const index = new TextIndex('please ignore_all x-token foo.pem übermittle');
    for (const p of ['pl', 'please', 'ignore', 'ignore_', 'to', 'token', 'pe', 'pem', 'bermit'])
      expect(index.hasPrefix(p.slice(0, 6))).toBe(true);
    expect(index.hasPrefix('gnore')).toBe(false);
    expect(index.has({ sub: 'übermittle' })).toBe(true);
    expect(index.has({ sub: 'absent' })).toBe(false);
  });
});
