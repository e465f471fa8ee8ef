/**
 * Tool poisoning, prompt injection, hidden content and secret solicitation in the text of one
 * entity. Hidden channels are decoded and their payload scored with the same rules, weighted up
 * because honest servers have no reason to hide text from the person approving them.
 */

import { findHidden, visibleText, type HiddenHit, type HiddenKind } from '../hidden.js';
import { isSecretsTool, scopeMismatch } from '../scope.js';
import { normalizeForRules, scoreSignals, scoreText, severityForScore, type Signal } from '../signals.js';
import { titleSignal } from '../structure.js';
import type { EntityTexts } from '../texts.js';
import { maxSeverity, type Finding, type Severity } from '../types.js';
import type { TraceEntry } from '../detect/engine.js';
import { learnedSignal, strongestField } from '../detect/learned.js';

export const HIDDEN_CODES: Record<HiddenKind, string> = {
  'tag-chars': 'HC001',
  'zero-width': 'HC002',
  bidi: 'HC003',
  'variation-selectors': 'HC004',
  'html-comment': 'HC005',
  'ansi-escape': 'HC006',
  'encoded-base64': 'HC007',
  'encoded-hex': 'HC007',
  'encoded-url': 'HC007',
  'mixed-script': 'HC008',
};

const HIDDEN_LABEL: Record<HiddenKind, string> = {
  'tag-chars': 'Unicode tag characters (invisible ASCII smuggling)',
  'zero-width': 'zero-width / invisible formatting characters',
  bidi: 'bidirectional control characters',
  'variation-selectors': 'variation selectors outside an emoji or ideographic sequence',
  'html-comment': 'an HTML comment (hidden when rendered)',
  'ansi-escape': 'ANSI escape or control characters',
  'encoded-base64': 'a base64-encoded text payload',
  'encoded-hex': 'a hex-encoded text payload',
  'encoded-url': 'a URL-encoded text payload',
  'mixed-script': 'words mixing Latin with Cyrillic/Greek look-alike letters',
};

// Score bonus for instructions that arrive through a hidden channel.
const HIDDEN_BONUS = 1.5;

function baseHiddenSeverity(hit: HiddenHit): Severity | undefined {
  switch (hit.kind) {
    case 'tag-chars':
    case 'bidi':
    case 'ansi-escape':
      return 'high';
    case 'variation-selectors':
      return hit.count >= 4 ? 'high' : 'low';
    case 'zero-width':
      return hit.count >= 3 || hit.decoded ? 'medium' : 'low';
    case 'mixed-script':
      return 'medium';
    default:
      return 'low';
  }
}

function describeSignals(signals: Signal[]): string {
  return signals
    .sort((a, b) => b.weight - a.weight)
    .map((s) => `${s.id}: "${s.match.trim()}"`)
    .join('; ');
}

// Capabilities whose appearance in a tool's instructions, outside its own domain, is a red flag.
const SENSITIVE_CAPS = new Set(['secrets', 'shell', 'payments', 'identity', 'vcs']);

function scopeSignal(entity: EntityTexts): Signal | undefined {
  const desc = entity.texts.find((t) => t.field === 'description');
  if (!desc) return undefined;
  const v = scopeMismatch(entity.name, normalizeForRules(visibleText(desc.text)));
  const sensitive = v.foreign.filter((c) => SENSITIVE_CAPS.has(c));
  if (sensitive.length === 0) return undefined;
  return {
    id: 'scope-mismatch',
    weight: v.foreign.length >= 2 ? 2.5 : 1.5,
    match: `${v.foreign.join('+')}: ${v.sentence ?? ''}`.slice(0, 120),
    rule: 'scope:foreign-capability',
  };
}

export interface TextCheckContext {
  server: string;
  source?: string;
  /** Lower-cased names of the other tools on the same server. */
  siblings?: string[];
  /** Run the learned model (default true), or this scorer instead of it. */
  model?: boolean | ((text: string) => number);
}

function locateField(entity: EntityTexts, signals: Signal[]): string | undefined {
  const strongest = [...signals].sort((a, b) => b.weight - a.weight).find((s) => s.match.trim().length >= 4);
  if (!strongest) return undefined;
  const needle = strongest.match.trim().slice(0, 40);
  return entity.texts.find((t) => normalizeForRules(visibleText(t.text)).includes(needle))?.field;
}

export function checkEntityText(entity: EntityTexts, ctx: TextCheckContext): Finding[] {
  const findings: Finding[] = [];
  const entityRef = { kind: entity.kind, name: entity.name };
  const payloads: string[] = [];
  const hiddenByKind = new Map<HiddenKind, { hit: HiddenHit; field: string; severity: Severity; payloadScore: number }>();

  for (const { field, text } of entity.texts) {
    for (const hit of findHidden(text)) {
      let severity = baseHiddenSeverity(hit);
      let payloadScore = 0;
      if (hit.decoded) {
        const v = scoreText(visibleText(hit.decoded));
        if (v.score > 0) {
          payloadScore = v.score + HIDDEN_BONUS;
          const s = severityForScore(payloadScore);
          if (s) severity = severity ? maxSeverity(severity, s) : s;
        }
        // ANSI "decoded" is the whole text minus escapes; it is already scored as visible text.
        if (hit.kind !== 'ansi-escape') payloads.push(hit.decoded);
      }
      if (!severity) continue;
      const prev = hiddenByKind.get(hit.kind);
      if (!prev || prev.payloadScore < payloadScore) hiddenByKind.set(hit.kind, { hit, field, severity, payloadScore });
    }
  }

  for (const [kind, { hit, field, severity }] of hiddenByKind) {
    const decoded = hit.decoded && kind !== 'ansi-escape' ? ` Decoded: "${visibleText(hit.decoded).slice(0, 160)}"` : '';
    findings.push({
      code: HIDDEN_CODES[kind],
      severity,
      server: ctx.server,
      entity: entityRef,
      message: `${entity.kind} "${entity.name}" hides text in ${HIDDEN_LABEL[kind]} (${hit.count}) in ${field}.`,
      evidence: `${hit.sample}${decoded}`,
      field,
    });
  }

  // Score the whole entity (signals split across fields still add up); find the worst field
  // only when there is something to report, which keeps large benign toolsets fast.
  // Each field as a person sees it, worked out once (scoring, the model and the field search all read it).
  const shown = entity.texts.map((t) => visibleText(t.text));
  const visible = shown.join('\n');
  const hiddenText = payloads.map((p) => visibleText(p)).join('\n');
  // Own parameter names, so that "fill the q field" is not mistaken for a reference to another tool.
  const params = [
    ...new Set(entity.texts.flatMap((t) => [...t.field.matchAll(/properties\.([^.[\]()]+)/g)].map((m) => (m[1] ?? '').toLowerCase()))),
  ];
  const description = entity.texts.find((t) => t.field === 'description')?.text ?? '';
  const secretsDomain = entity.kind === 'tool' && isSecretsTool(entity.name, visibleText(description));
  const scoreCtx = { ownName: entity.name, params, secretsDomain, siblings: ctx.siblings };
  const whole = scoreText(hiddenText ? `${visible}\n${hiddenText}` : visible, scoreCtx);
  const scope = entity.kind === 'tool' ? scopeSignal(entity) : undefined;
  if (scope) {
    whole.signals.push(scope);
    whole.score = scoreSignals(whole.signals);
  }
  // Titles are a few words; instructions there are read by the model and seldom by people.
  const titled = entity.texts
    .filter((t) => /(?:^|\.)title$/.test(t.field))
    .map((t) => titleSignal(visibleText(t.text)))
    .find((x) => x !== undefined);
  if (titled && !whole.signals.some((s) => s.id === titled.id && s.weight >= titled.weight)) {
    whole.signals = [...whole.signals.filter((s) => s.id !== titled.id), titled];
    whole.score = scoreSignals(whole.signals);
  }
  // The learned model reads each field on its own: an injected sentence in one parameter
  // description would be diluted in the whole entity's text.
  const modelField =
    ctx.model === false
      ? undefined
      : strongestField(
          entity.texts.map((t, i) => ({ field: t.field, text: shown[i] ?? '' })),
          typeof ctx.model === 'function' ? ctx.model : undefined,
        );
  const learned = learnedSignal(modelField);
  if (learned) {
    whole.signals.push(learned);
    whole.score = scoreSignals(whole.signals);
  }
  const hiddenSignals = hiddenText ? scoreText(hiddenText) : undefined;
  let score = whole.score;
  if (hiddenSignals && hiddenSignals.score > 0) score += HIDDEN_BONUS;
  const severity = severityForScore(score);
  let bestField = entity.texts[0]?.field ?? 'description';
  if (severity || whole.signals.some((s) => s.id === 'solicit' || s.id === 'ask-user-secret')) {
    // The field that holds the strongest signal's match; re-scoring each field is the fallback
    // for a match that spans fields or comes from a decoded payload.
    const located = locateField(entity, whole.signals);
    if (located) bestField = located;
    let bestFieldScore = -1;
    for (const { field, text } of located ? [] : entity.texts) {
      const v = scoreText(visibleText(text), { ...scoreCtx, structure: false });
      if (v.score > bestFieldScore) {
        bestFieldScore = v.score;
        bestField = field;
      }
    }
  }
  const explain = (): Record<string, unknown> => {
    const extra: TraceEntry[] = whole.signals
      .filter((sig) => !whole.trace.some((t) => t.signal === sig.id && t.weight === sig.weight))
      .map((sig) => ({ rule: sig.rule ?? sig.id, signal: sig.id, matched: sig.match, weight: sig.weight }));
    const trace = [...whole.trace, ...extra];
    const decided = trace.filter((t) => t.weight > 0).sort((a, b) => b.weight - a.weight)[0];
    return {
      score: Number(score.toFixed(2)),
      decidedBy: decided?.rule,
      trace,
      ...(modelField ? { model: { probability: Number(modelField.probability.toFixed(4)), field: modelField.field } } : {}),
      ...(hiddenSignals && hiddenSignals.score > 0 ? { hiddenBonus: HIDDEN_BONUS } : {}),
    };
  };
  if (severity) {
    findings.push({
      code: 'TP001',
      severity,
      server: ctx.server,
      entity: entityRef,
      message: `${entity.kind} "${entity.name}" contains instructions aimed at the agent (score ${score.toFixed(1)}): ${whole.signals.map((s) => s.id).join(', ')}.`,
      evidence: describeSignals(whole.signals).slice(0, 500),
      field: bestField,
      explain: explain(),
    });
  }

  const solicit = whole.signals.find((s) => s.id === 'solicit' || s.id === 'ask-user-secret');
  if (solicit) {
    const others = whole.signals.filter((s) => s !== solicit && s.weight >= 1.5).length;
    findings.push({
      code: 'DT001',
      severity: others > 0 ? 'high' : 'medium',
      server: ctx.server,
      entity: entityRef,
      message: `${entity.kind} "${entity.name}" asks the agent to read or hand over sensitive data (${solicit.id}).`,
      evidence: solicit.match.trim(),
      field: bestField,
      explain: explain(),
    });
  }
  return findings;
}
