/**
 * How the learned model joins the rule verdict: it scores each model-visible field, and only a
 * probability at or above MODEL_PROBABILITY adds a small signal (thresholds.ts says why small).
 */

import type { Signal } from '../rules.js';
import { explainModel, modelProbability } from './model/classifier.js';
import { MODEL_MIN_CHARS, MODEL_PROBABILITY, MODEL_WEIGHT } from './thresholds.js';

export interface ModelField {
  field: string;
  probability: number;
}

/** The field the model finds most suspicious, or undefined when no field is long enough to read. */
export function strongestField(
  texts: readonly { field: string; text: string }[],
  score: (text: string) => number = modelProbability,
): ModelField | undefined {
  let best: ModelField | undefined;
  for (const { field, text } of texts) {
    if (text.trim().length < MODEL_MIN_CHARS) continue;
    const probability = score(text);
    if (!best || probability > best.probability) best = { field, probability };
  }
  return best;
}

export function learnedSignal(best: ModelField | undefined): Signal | undefined {
  if (!best || best.probability < MODEL_PROBABILITY) return undefined;
  return { id: 'learned', weight: MODEL_WEIGHT, match: `p=${best.probability.toFixed(3)} in ${best.field}`, rule: 'model:logreg' };
}

/** The n-grams behind a probability, for `--explain`. */
export function modelReasons(text: string): string[] {
  return explainModel(text, 5).top.map((t) => `${t.feature} (+${t.contribution})`);
}
