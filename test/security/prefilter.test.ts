import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mayMatch, requiredPrefixes, TextIndex, type Clauses } from '../../src/security/detect/prefilter.js';
import { RULE_DOCS } from '../../src/security/detect/rule-docs.js';
import { compiledRules, normalizeForRules } from '../../src/security/signals.js';

const ROOT = join(import.meta.dirname, '..', '..');

function strings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith('.json') ? [p] : [];
  });
}

/** Every text this repository has: the detector's training corpora, the scan fixtures, the rule examples. */
function corpus(): string[] {
  const texts: string[] = [];
  const data = join(ROOT, 'data', 'detector');
  for (const f of readdirSync(data).filter((f) => f.endsWith('.jsonl')))
    for (const line of readFileSync(join(data, f), 'utf8').split('\n'))
      if (line.trim()) texts.push((JSON.parse(line) as { text: string }).text);
  for (const f of jsonFiles(join(ROOT, 'test', 'fixtures', 'scan'))) strings(JSON.parse(readFileSync(f, 'utf8')), texts);
  for (const d of Object.values(RULE_DOCS)) texts.push(...d.examples.hit, ...d.examples.miss);
  return texts.filter((t) => t.length > 0);
}

const keys = (c: Clauses) => c.map((clause) => clause.map((k) => k.prefix ?? `~${k.sub}`));

describe('rule prefilter', () => {
  it('never skips a rule that matches: every rule, every text in data/detector, the scan fixtures and the rule examples', () => {
    const rules = compiledRules();
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
    expect(skipped / (texts.length * rules.length)).toBeGreaterThan(0.5);
  });

  it('every rule gets clauses (none falls back to always running)', () => {
    expect(
      compiledRules()
        .filter((r) => r.clauses.length === 0)
        .map((r) => r.name),
    ).toEqual([]);
  });

  it('derives words after a boundary, alternations, and nothing from optional parts or lookarounds', () => {
    expect(keys(requiredPrefixes(String.raw`\bignore (?:all )?(?:previous|prior) instructions\b`))).toEqual([
      ['ignore'],
      ['previo', 'prior'],
      ['instru'],
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
      expect(index.prefixes.has(p.slice(0, 6))).toBe(true);
    expect(index.prefixes.has('gnore')).toBe(false);
    expect(index.has({ sub: 'übermittle' })).toBe(true);
    expect(index.has({ sub: 'absent' })).toBe(false);
  });
});
