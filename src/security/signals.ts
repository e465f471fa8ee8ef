/**
 * Weighted injection signals. No single keyword decides anything: real tools say "You MUST call
 * this before X" or "Ignore information that is irrelevant". A signal is a phrase *shape*
 * (an action aimed at the agent plus what it is aimed at); the score adds them up and only
 * combinations reach medium or above. The rule table lives in rules.ts; this module normalises
 * text, applies the rules, drops protective mentions and adds the language-independent
 * "secret + outside address" combination.
 */

import { foldToLatin } from './confusables.js';
import { RULES, type Rule, type Signal, type SignalId, type TextVerdict } from './rules.js';
import { BEYOND_SECRETS } from './scope.js';
import { deobfuscate, structureSignals, type StructureContext } from './structure.js';
import type { Severity } from './types.js';

export { RULES };
export type { Signal, SignalId, TextVerdict };

// A non-loopback address a tool could ship data to.
const DESTINATION =
  /\b(?:https?|s?ftp|wss?):\/\/(?!(?:localhost|127\.0\.0\.1|\[::1\])\b)[^\s'"<>)]+|\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b|\b(?!127\.)\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/;

// "Paths like ~/.ssh are rejected": a protective mention, not a request.
const NEGATED =
  /\b(?:are blocked|is blocked|no keys are|never returned|(?:are|is) never (?:read|returned|sent|shown|logged)|rejected|refused|not allowed|disallowed|forbidden|denied|blocked|excluded|prohibited|never (?:read|access|expose|share|log)|cannot be|can'?t be|must not be|are not (?:allowed|permitted|accessible)|is not (?:allowed|permitted|accessible)|redact(?:ed|s)?|masked)\b/;

const SETUP_NOTE =
  /\b(?:pass|provide|enter|set|put|supply|use|add|include) your (?:own )?(?:\w+ ){0,2}(?:api[ _-]?keys?|tokens?|personal access tokens?|access tokens?|credentials|passwords?|secrets?)\b|\b(?:is|are) (?:read|loaded|taken) from (?:the )?(?:env(?:ironment)?(?: variables?)?\b|[a-z0-9]+_(?:user|token|key|password|secret))/;
// Keeping a secret in the user's own store: "copy it into your password manager", "add them to .env".
const OWN_STORE =
  /\b(?:copy|add|put|save|store|paste|keep|write)\w* (?:\w+ ){0,2}(?:in|into|to) (?:your|their|the user'?s?|a|the) (?:own |local )?(?:password manager|keychain|vault|secrets? (?:manager|store)|\.env(?: file)?|env file|credential (?:helper|store))\b|\b(?:copy|add|put|save|store|paste|write)\w* (?:\w+ ){0,2}(?:in|into|to) \.env\b/;
const MODEL_NAMED = /\b(?:assistant|agent|model|ai|llm)s?\b|\byou (?:must|should|need to|have to)\b/;

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
const COMPILED: Rule[] = RULES.map((r) => ({ ...r, re: new RegExp(r.re.source, r.re.flags.replace(/[iu]/g, '')) })).sort(
  (a, b) => Number(a.needs !== undefined) - Number(b.needs !== undefined),
);

function ruleSignals(norm: string, ctx: StructureContext | undefined, best: Map<SignalId, Signal>): void {
  const add = (sig: Signal): void => {
    const prev = best.get(sig.id);
    if (!prev || prev.weight < sig.weight) best.set(sig.id, sig);
  };
  const matched = new Set<SignalId>();
  for (const rule of COMPILED) {
    if ((rule.needs && !matched.has(rule.needs)) || (rule.gate && !rule.gate.test(norm))) continue;
    const m = rule.re.exec(norm);
    if (!m) continue;
    matched.add(rule.id);
    add({ id: rule.id, weight: rule.weight, match: m[0].slice(0, 120) });
  }
  if (ctx) for (const sig of structureSignals(norm, ctx)) add(sig);
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

const FULL_DATA =
  /\b(?:full|entire|whole|complete|all (?:the )?)\s?(?:[\w-]+ )?(?:details|contents?|arguments|parameters|data|text|body|bodies|payloads?|inputs|outputs|messages)\b/;

// Section tags of structured documentation (<use_case>, <examples>, <hints>): formatting, not a fake system channel.
const DOC_SECTIONS =
  /<(?:use_case|examples?|hints?|workflow|notes|important_notes|next_steps|returns?|parameters|usage|output_format|best_practices|tips|when_to_use|error_handling)>/;

// "Don't bother telling the user the IDs unless they ask": brevity, not concealment.
const ON_REQUEST =
  /\bunless (?:they|the user|the human|he|she|someone|anyone|explicitly|specifically|asked|requested|it is requested|relevant)\b|\bdon'?t bother\b|\bno need to bother\b/;

// Home-directory credential stores of different kinds named together: a sweep, not a single job.
const CREDENTIAL_FAMILIES: [string, RegExp][] = [
  ['ssh', /~\/\.ssh\b|\bid_(?:rsa|ed25519|ecdsa)\b/],
  ['aws', /~\/\.aws\b/],
  ['gnupg', /~\/\.gnupg\b/],
  ['kube', /~\/\.kube\b/],
  ['docker', /~\/\.docker\b/],
  ['npm', /~\/\.npmrc\b/],
  ['netrc', /~\/\.netrc\b/],
  ['git', /~\/\.git-credentials\b/],
  ['gcloud', /~\/\.config\/gcloud\b/],
  ['browser', /\b(?:browser profiles?|login data|cookies\.sqlite)\b/],
];

/** Score one piece of text the model reads. Each signal id counts once (its strongest match). */
export function scoreText(text: string, context: ScoreContext = {}): TextVerdict {
  const norm = normalizeForRules(text);
  const ctx: StructureContext | undefined =
    context.structure === false ? undefined : { ownName: context.ownName?.toLowerCase(), params: context.params, raw: text };
  const best = new Map<SignalId, Signal>();
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
    if (gained) best.set('obfuscated', { id: 'obfuscated', weight: 1, match: variant.slice(0, 120) });
  }
  // A solicitation already implies the sensitive target; do not count the noun twice.
  if (best.has('solicit')) {
    best.delete('sensitive-strong');
    best.delete('sensitive-weak');
  }
  // Protective mentions ("rm -rf / is blocked", "never reads private keys") are not requests.
  for (const id of ['sensitive-strong', 'remote-code', 'solicit'] as const) {
    const sig = best.get(id);
    if (sig && NEGATED.test(sentenceAround(norm, sig.match))) best.delete(id);
  }
  // Setup notes address the human about their own credentials ("pass your API key in the api_key
  // field", "credentials are read from SMTP_PASSWORD"); without a destination, the model being
  // named or secrecy, such a sentence is configuration, not a request.
  const sol = best.get('solicit');
  if (sol) {
    const sentence = sentenceAround(norm, sol.match) || sol.match;
    if (
      (SETUP_NOTE.test(sentence) || OWN_STORE.test(sentence)) &&
      !DESTINATION.test(sentence) &&
      !MODEL_NAMED.test(sentence) &&
      !best.has('secrecy') &&
      !best.has('stealth')
    ) {
      best.delete('solicit');
      best.set('sensitive-strong', { id: 'sensitive-strong', weight: 1.5, match: sol.match });
    }
  }
  // A secrets tool handling its own subject: no outside address, no secrecy, nothing beyond its domain.
  const sol2 = best.get('solicit');
  if (sol2 && context.secretsDomain) {
    const sentence = sentenceAround(norm, sol2.match) || sol2.match;
    if (!BEYOND_SECRETS.test(sentence) && !DESTINATION.test(sentence) && !best.has('secrecy') && !best.has('stealth')) {
      best.delete('solicit');
      best.set('sensitive-strong', { id: 'sensitive-strong', weight: 1.5, match: sol2.match });
    }
  }
  // The tool's own product family ("call this before any other Shopify tools") is not another server.
  const family = familyPattern(context.ownName);
  if (family) {
    for (const id of ['intercept', 'steer-other-tools', 'invoke-other', 'solicit'] as const) {
      const sig = best.get(id);
      if (!sig) continue;
      const sentence = sentenceAround(norm, sig.match) || sig.match;
      // Still an attack when the sentence hauls data along ("called first with the full event details").
      if (family.test(sentence) && !FULL_DATA.test(sentence) && !(id === 'solicit' && BEYOND_SECRETS.test(sentence))) best.delete(id);
    }
  }
  const invoke = best.get('invoke-other');
  if (invoke && context.siblings?.some((name) => name.length >= 4 && invoke.match.includes(name))) best.delete('invoke-other');
  const markup = best.get('injection-markup');
  // Only neutral tag names are cheapened; <system>, <override>, <admin> stay fake system channels.
  if (markup && DOC_SECTIONS.test(norm) && /^<\/?\s*(?:instructions?|important|context|critical|priority)\s*>/.test(markup.match))
    best.set('injection-markup', { ...markup, weight: 0.5 });
  // Brevity ("don't bother telling the user the IDs unless they ask") keeps nothing from the user.
  const sec = best.get('secrecy');
  if (sec && ON_REQUEST.test(sentenceAround(norm, sec.match) || sec.match)) best.set('secrecy', { ...sec, weight: 1 });
  // Several kinds of home-directory credentials named together, none of them as a warning.
  const families = CREDENTIAL_FAMILIES.filter(([, re]) => {
    const m = re.exec(norm);
    return m !== null && !NEGATED.test(sentenceAround(norm, m[0]));
  });
  if (families.length >= 2 && !best.has('solicit'))
    best.set('solicit', { id: 'solicit', weight: 3, match: `credential stores: ${families.map(([f]) => f).join(', ')}` });
  if (best.has('sensitive-strong')) best.delete('sensitive-weak');
  // Language-independent combination: a secret-looking target and an outside address in the same
  // text is an exfiltration recipe whatever the surrounding words are.
  const dest = DESTINATION.exec(norm);
  const addressed = best.has('agent-address') || best.has('stealth') || best.has('secrecy');
  const target = best.get('sensitive-strong') ?? best.get('sensitive-weak');
  // The address must sit in the same sentence as the secret: a docs link elsewhere proves nothing.
  const sameSentence = target !== undefined && DESTINATION.test(sentenceAround(norm, target.match));
  if (dest && (best.has('solicit') || (addressed && sameSentence))) {
    best.set('exfil-combo', { id: 'exfil-combo', weight: 2, match: dest[0].slice(0, 120) });
  }
  const signals = [...best.values()];
  return { score: scoreSignals(signals), signals };
}

/** Sum of weights; weak context words only count next to a real signal (weight ≥ 2). */
export function scoreSignals(signals: Signal[]): number {
  const score = signals.reduce((sum, s) => sum + s.weight, 0);
  return signals.some((s) => s.weight >= 2) ? score : Math.min(score, 2);
}

export function severityForScore(score: number): Severity | undefined {
  if (score >= 7) return 'critical';
  if (score >= 4.5) return 'high';
  if (score >= 3) return 'medium';
  if (score >= 1.5) return 'low';
  return undefined;
}
