/**
 * Weighted injection signals. No single keyword decides anything: real tools say "You MUST call
 * this before X" or "Ignore information that is irrelevant". A signal is a phrase *shape*
 * (an action aimed at the agent plus what it is aimed at); the score adds them up and only
 * combinations reach medium or above. The rule table lives in rules.ts; this module normalises
 * text, applies the rules, drops protective mentions and adds the language-independent
 * "secret + outside address" combination.
 */

import { foldToLatin } from './confusables.js';
import type { TraceEntry } from './detect/engine.js';
import { forLowerCase, lexiconSource } from './detect/engine.js';
import { EXEMPTIONS } from './detect/exemptions.js';
import { CREDENTIAL_FAMILIES } from './detect/lexicon/credential-stores.js';
import { DESTINATION_SOURCE } from './detect/lexicon/destinations.js';
import { DOC_SECTIONS, NEUTRAL_TAGS } from './detect/lexicon/doc-sections.js';
import { PROTECTIVE } from './detect/lexicon/protective.js';
import { Matcher } from './detect/matcher.js';
import { TextIndex } from './detect/prefilter.js';
import {
  FULL_DATA as FULL_DATA_LEX,
  MODEL_NAMED,
  ON_REQUEST as ON_REQUEST_LEX,
  OWN_STORE,
  SETUP_NOTE,
} from './detect/lexicon/setup-notes.js';
import { REAL_SIGNAL_WEIGHT, SEVERITY_AT, WEAK_ONLY_CAP } from './detect/thresholds.js';
import { RULES, type Rule, type Signal, type SignalId, type TextVerdict } from './rules.js';
import { BEYOND_SECRETS } from './scope.js';
import { deobfuscate, structureSignals, type StructureContext } from './structure.js';
import type { Severity } from './types.js';

export { RULES };
export type { Signal, SignalId, TextVerdict };

const DESTINATION = new RegExp(DESTINATION_SOURCE);
const NEGATED = new RegExp(`\\b${lexiconSource(PROTECTIVE)}\\b`);
const SETUP_NOTE_RE = new RegExp(lexiconSource(SETUP_NOTE));
const OWN_STORE_RE = new RegExp(lexiconSource(OWN_STORE));
const MODEL_NAMED_RE = new RegExp(lexiconSource(MODEL_NAMED));

function sentenceAround(text: string, fragment: string): string {
  const i = text.indexOf(fragment);
  if (i < 0) return '';
  const start = Math.max(text.lastIndexOf('. ', i), text.lastIndexOf('\n', i), 0);
  const endDot = text.indexOf('. ', i + fragment.length);
  const endNl = text.indexOf('\n', i + fragment.length);
  const ends = [endDot, endNl].filter((e) => e >= 0);
  return text.slice(start, ends.length ? Math.min(...ends) : text.length);
}

/** Lower-cased, folded text the rules run on. */
// A line break inside a sentence (wrapped docstrings, template literals): the next line goes on in
// lower case or with a path, quote or code span, and the line before has no closing punctuation.
const WRAPPED = /([^\s.!?:;。！？>\]])[ \t]*\r?\n[ \t]*(?=[a-z0-9~/`'"(])/g;

export function normalizeForRules(text: string): string {
  const nfkc = text.normalize('NFKC').replace(WRAPPED, '$1 ');
  // Folding only matters when Greek/Cyrillic/Armenian letters are present; skip the word walk otherwise.
  return (/[\u0370-\u058F]/.test(nfkc) ? foldToLatin(nfkc) : nfkc)
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .replace(/[ \t]+/g, ' ')
    .toLowerCase();
}

// The rules are written case-insensitively for readability, but the text is lower-cased once
// up front: dropping the `i`/`u` flags makes matching several times faster on large toolsets.
// \b only knows ASCII words, so non-ASCII words in the rules are never placed right after \b.
// Rules that embed another rule run after it, and only when it matched.
const ruleCount = new Map<string, number>();
// Each rule runs as a Matcher: split into its branches, each skipped when the text lacks its words.
const COMPILED: (Rule & { name: string; matcher: Matcher })[] = RULES.map((r) => {
  const n = (ruleCount.get(r.id) ?? 0) + 1;
  ruleCount.set(r.id, n);
  const name = r.name ?? `${r.id}#${n}`;
  const re = forLowerCase(r.re, 'iu');
  return { ...r, name, re, matcher: new Matcher(re, `rule:${name}`) };
}).sort((a, b) => Number(a.needs !== undefined) - Number(b.needs !== undefined));

/** The compiled phrase rules (for test/security/prefilter.test.ts). */
export function compiledRules(): readonly { readonly name: string; readonly re: RegExp; readonly matcher: Matcher }[] {
  return COMPILED;
}

/** Names of the phrase rules, in table order; unique by construction (`id#n`) unless a rule names itself. */
export const RULE_NAMES: readonly string[] = COMPILED.map((r) => r.name);

/** Whether the named phrase rule (gate included) matches the text, as scoring would see it. */
export function ruleMatches(name: string, text: string): boolean {
  const rule = COMPILED.find((r) => r.name === name);
  if (!rule) throw new Error(`no rule named ${name}`);
  const norm = normalizeForRules(text);
  return (!rule.gate || rule.gate.test(norm)) && rule.re.test(norm);
}

function ruleSignals(norm: string, ctx: StructureContext | undefined, best: Map<SignalId, Signal>): void {
  const add = (sig: Signal): void => {
    const prev = best.get(sig.id);
    if (!prev || prev.weight < sig.weight) best.set(sig.id, sig);
  };
  const matched = new Set<SignalId>();
  // Branches whose required words are not all in the text are skipped without being run (detect/matcher.ts).
  const index = new TextIndex(norm);
  for (const rule of COMPILED) {
    if ((rule.needs && !matched.has(rule.needs)) || (rule.gate && !rule.gate.test(norm))) continue;
    const m = rule.matcher.exec(norm, index);
    if (!m) continue;
    matched.add(rule.id);
    add({ id: rule.id, weight: rule.weight, match: m[0].slice(0, 120), rule: rule.name });
  }
  if (ctx) for (const sig of structureSignals(norm, { ...ctx, index })) add({ ...sig, rule: sig.rule ?? `structure:${sig.id}` });
}

export interface ScoreContext {
  /** Name of the entity the text belongs to; other tool-like identifiers in the text are then "other tools". */
  ownName?: string;
  /** The entity's own parameter names. */
  params?: string[];
  /** Set to false to apply the phrase rules only (cheaper; used to pick the worst field). */
  structure?: boolean;
  /** The tool's own subject is secrets (a vault, a password manager, an API-key admin tool). */
  secretsDomain?: boolean;
  /** Lower-cased names of the other tools on the same server. */
  siblings?: string[];
}

// Name parts too common to mark a product family ("the other search tools" is not one vendor).
const GENERIC_NAME_PARTS = new Set([
  'tool',
  'tools',
  'file',
  'files',
  'data',
  'user',
  'users',
  'list',
  'create',
  'update',
  'delete',
  'read',
  'write',
  'send',
  'search',
  'learn',
  'fetch',
  'call',
  'query',
  'info',
  'item',
  'items',
  'text',
  'name',
  'test',
  'helper',
  'this',
  'with',
  'from',
  'note',
  'notes',
  'email',
  'mail',
  'message',
  'messages',
  'server',
  'agent',
  'task',
  'tasks',
  'check',
  'code',
  'exec',
  'open',
  'close',
  'save',
  'load',
  'make',
  'other',
  'more',
  'get',
  'set',
  'add',
  'remove',
  'find',
  'show',
  'view',
  'run',
  'execute',
  'command',
  'shell',
  'http',
  'request',
  'content',
  'result',
  'results',
  'report',
  'upload',
  'download',
  'sync',
  'analyze',
  'scan',
  'validate',
  'verify',
  'manage',
  'start',
  'stop',
  'status',
  'config',
  'settings',
]);

/** "any other Shopify tools" in a Shopify tool's text: its own family, not another server's. */
function familyPattern(ownName: string | undefined): RegExp | undefined {
  if (!ownName) return undefined;
  const parts = ownName
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((p) => p.length >= 4 && !GENERIC_NAME_PARTS.has(p));
  if (parts.length === 0) return undefined;
  return new RegExp(
    `\\b(?:other|all|any|every|each|subsequent|remaining)\\s+(?:of (?:the|our) )?(?:${parts.join('|')})\\b[^.\\n]{0,15}\\b(?:tools?|functions?|calls?|apis?|endpoints?|operations?)\\b`,
  );
}

const FULL_DATA = new RegExp(lexiconSource(FULL_DATA_LEX));
const DOC_SECTIONS_RE = new RegExp(`<${lexiconSource(DOC_SECTIONS)}>`);
const NEUTRAL_TAG_RE = new RegExp(`^<\\/?\\s*${lexiconSource(NEUTRAL_TAGS)}\\s*>`);
const ON_REQUEST = new RegExp(lexiconSource(ON_REQUEST_LEX));

/** Score one piece of text the model reads. Each signal id counts once (its strongest match). */
export function scoreText(text: string, context: ScoreContext = {}): TextVerdict {
  const norm = normalizeForRules(text);
  const ctx: StructureContext | undefined =
    context.structure === false ? undefined : { ownName: context.ownName?.toLowerCase(), params: context.params, raw: text };
  const best = new Map<SignalId, Signal>();
  const removed: TraceEntry[] = [];
  const adjusted = new Map<SignalId, string>();
  const suppress = (id: SignalId, by: string): void => {
    const sig = best.get(id);
    if (!sig) return;
    removed.push({ rule: sig.rule ?? id, signal: id, matched: sig.match, weight: 0, suppressedBy: by });
    best.delete(id);
  };
  const adjust = (id: SignalId, weight: number, by: string): void => {
    const sig = best.get(id);
    if (!sig) return;
    best.set(id, { ...sig, weight });
    adjusted.set(id, by);
  };
  // An exemption that turns a signal into a milder one keeps the rule's name on the replacement.
  const replace = (id: SignalId, by: string, next: Signal): void => {
    const sig = best.get(id);
    suppress(id, by);
    best.set(next.id, { ...next, rule: sig?.rule ?? id });
    adjusted.set(next.id, by);
  };
  ruleSignals(norm, ctx, best);
  // Second reading with spaced-out letters and leetspeak rejoined; what only appears there was disguised.
  const variant = deobfuscate(text.normalize('NFKC'));
  if (variant) {
    const alt = new Map<SignalId, Signal>();
    ruleSignals(normalizeForRules(variant), ctx, alt);
    let gained = false;
    for (const [id, sig] of alt) {
      const prev = best.get(id);
      if (!prev || prev.weight < sig.weight) {
        best.set(id, sig);
        if (sig.weight >= 2) gained = true;
      }
    }
    if (gained) best.set('obfuscated', { id: 'obfuscated', weight: 1, match: variant.slice(0, 120), rule: 'deobfuscated-reading' });
  }
  const E = EXEMPTIONS;
  if (best.has('solicit')) {
    suppress('sensitive-strong', E.targetInSolicit.name);
    suppress('sensitive-weak', E.targetInSolicit.name);
  }
  for (const id of ['sensitive-strong', 'remote-code', 'solicit'] as const) {
    const sig = best.get(id);
    if (sig && NEGATED.test(sentenceAround(norm, sig.match))) suppress(id, E.protectiveMention.name);
  }
  const sol = best.get('solicit');
  if (sol) {
    const sentence = sentenceAround(norm, sol.match) || sol.match;
    if (
      (SETUP_NOTE_RE.test(sentence) || OWN_STORE_RE.test(sentence)) &&
      !DESTINATION.test(sentence) &&
      !MODEL_NAMED_RE.test(sentence) &&
      !best.has('secrecy') &&
      !best.has('stealth')
    )
      replace('solicit', E.setupNote.name, { id: 'sensitive-strong', weight: 1.5, match: sol.match });
  }
  const sol2 = best.get('solicit');
  if (sol2 && context.secretsDomain) {
    const sentence = sentenceAround(norm, sol2.match) || sol2.match;
    if (!BEYOND_SECRETS.test(sentence) && !DESTINATION.test(sentence) && !best.has('secrecy') && !best.has('stealth'))
      replace('solicit', E.secretsDomain.name, { id: 'sensitive-strong', weight: 1.5, match: sol2.match });
  }
  const family = familyPattern(context.ownName);
  if (family) {
    for (const id of ['intercept', 'steer-other-tools', 'invoke-other', 'solicit'] as const) {
      const sig = best.get(id);
      if (!sig) continue;
      const sentence = sentenceAround(norm, sig.match) || sig.match;
      // Still an attack when the sentence hauls data along ("called first with the full event details").
      if (family.test(sentence) && !FULL_DATA.test(sentence) && !(id === 'solicit' && BEYOND_SECRETS.test(sentence)))
        suppress(id, E.ownProductFamily.name);
    }
  }
  const invoke = best.get('invoke-other');
  if (invoke && context.siblings?.some((name) => name.length >= 4 && invoke.match.includes(name)))
    suppress('invoke-other', E.siblingTool.name);
  const markup = best.get('injection-markup');
  if (markup && DOC_SECTIONS_RE.test(norm) && NEUTRAL_TAG_RE.test(markup.match)) adjust('injection-markup', 0.5, E.docSectionTags.name);
  const sec = best.get('secrecy');
  if (sec && ON_REQUEST.test(sentenceAround(norm, sec.match) || sec.match)) adjust('secrecy', 1, E.onRequestBrevity.name);
  // Several kinds of home-directory credentials named together, none of them as a warning.
  const families = CREDENTIAL_FAMILIES.filter(([, re]) => {
    const m = re.exec(norm);
    return m !== null && !NEGATED.test(sentenceAround(norm, m[0]));
  });
  if (families.length >= 2 && !best.has('solicit'))
    best.set('solicit', {
      id: 'solicit',
      weight: 3,
      match: `credential stores: ${families.map(([f]) => f).join(', ')}`,
      rule: 'credential-sweep',
    });
  if (best.has('sensitive-strong')) best.delete('sensitive-weak');
  // Language-independent combination: a secret-looking target and an outside address in the same
  // text is an exfiltration recipe whatever the surrounding words are.
  const dest = DESTINATION.exec(norm);
  const addressed = best.has('agent-address') || best.has('stealth') || best.has('secrecy');
  const target = best.get('sensitive-strong') ?? best.get('sensitive-weak');
  // The address must sit in the same sentence as the secret: a docs link elsewhere proves nothing.
  const sameSentence = target !== undefined && DESTINATION.test(sentenceAround(norm, target.match));
  if (dest && (best.has('solicit') || (addressed && sameSentence))) {
    best.set('exfil-combo', { id: 'exfil-combo', weight: 2, match: dest[0].slice(0, 120), rule: 'secret-plus-destination' });
  }
  const signals = [...best.values()];
  const trace: TraceEntry[] = [
    ...signals.map((s) => {
      const by = adjusted.get(s.id);
      return { rule: s.rule ?? s.id, signal: s.id, matched: s.match, weight: s.weight, ...(by ? { adjustedBy: by } : {}) };
    }),
    ...removed,
  ];
  return { score: scoreSignals(signals), signals, trace };
}

/** Sum of weights; weak context words only count next to a real signal. */
export function scoreSignals(signals: Signal[]): number {
  const score = signals.reduce((sum, s) => sum + s.weight, 0);
  return signals.some((s) => s.weight >= REAL_SIGNAL_WEIGHT) ? score : Math.min(score, WEAK_ONLY_CAP);
}

export function severityForScore(score: number): Severity | undefined {
  if (score >= SEVERITY_AT.critical) return 'critical';
  if (score >= SEVERITY_AT.high) return 'high';
  if (score >= SEVERITY_AT.medium) return 'medium';
  if (score >= SEVERITY_AT.low) return 'low';
  return undefined;
}
