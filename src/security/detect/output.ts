/**
 * One call for arbitrary text a model will read (tool output, fetched pages): rules, hidden
 * channels, and the learned model, with the reasons and the full trace.
 */

import { findHidden, visibleText } from '../hidden.js';
import { scoreSignals, scoreText, severityForScore } from '../signals.js';
import type { Severity } from '../types.js';
import type { TraceEntry } from './engine.js';
import { formatTrace } from './engine.js';
import { learnedSignal, strongestField } from './learned.js';

export interface OutputVerdict {
  severity: Severity | undefined;
  score: number;
  /** One line per counted signal: rule, signal, weight and what it matched. */
  reasons: string[];
  trace: TraceEntry[];
  modelProbability: number | undefined;
}

// Same bonus the scanner gives instructions that arrive through a hidden channel (checks/poisoning.ts).
const HIDDEN_BONUS = 1.5;

/**
 * `model` defaults to false here: leave-one-source-out, the model tipped 18 % of BIPIA's clean
 * e-mails to medium (rules alone: 4 %), so for tool output it is opt-in until it is trained on
 * output-shaped benign text. Tool definitions (scanTools) use it by default.
 */
export function scoreOutputText(text: string, options: { model?: boolean } = {}): OutputVerdict {
  const visible = visibleText(text);
  const payloads = findHidden(text)
    .map((h) => h.decoded)
    .filter((d): d is string => typeof d === 'string' && d.length > 0)
    .map((d) => visibleText(d));
  const verdict = scoreText(payloads.length ? `${visible}\n${payloads.join('\n')}` : visible);
  const field = strongestField([{ field: 'text', text: visible }]);
  const learned = options.model === true ? learnedSignal(field) : undefined;
  const signals = learned ? [...verdict.signals, learned] : verdict.signals;
  const trace = learned
    ? [...verdict.trace, { rule: learned.rule ?? 'model', signal: learned.id, matched: learned.match, weight: learned.weight }]
    : verdict.trace;
  let score = scoreSignals(signals);
  if (payloads.length && payloads.some((p) => scoreText(p).score > 0)) score += HIDDEN_BONUS;
  return {
    severity: severityForScore(score),
    score,
    reasons: formatTrace(trace.filter((t) => t.weight > 0)),
    trace,
    modelProbability: field?.probability,
  };
}
