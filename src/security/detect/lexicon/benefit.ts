import type { Lexicon } from '../engine.js';

/** Claims of better results: "works best", "more accurate", "recommended" (structure.ts: BENEFIT). */
export const BENEFIT_CLAIMS: Lexicon = {
  concept: 'benefit',
  rationale: "Tying the tool's quality to receiving secrets talks the model into handing them over.",
  entries: {
    en: [
      'works? best',
      'best results?',
      'improves?',
      'improved',
      'improve considerably',
      'more accurate',
      'accurate',
      'accuracy',
      'quality',
      'better',
      'optimal',
      'recommended',
      'enhanced',
      'precise',
    ],
  },
};
