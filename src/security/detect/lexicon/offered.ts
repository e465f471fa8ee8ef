import type { Lexicon } from '../engine.js';

/** Data said to be handed over: "provided", "supplied", "attached" (structure.ts: OFFERED). */
export const OFFERED_WORDS: Lexicon = {
  concept: 'offered',
  rationale: 'Better results "when your key is provided" asks for the key without a transfer verb.',
  entries: {
    en: ['provided', 'supplied', 'given', 'included', 'attached', 'passed', 'present'],
  },
};
