import type { Lexicon } from '../engine.js';

/** What only the model has: its system prompt and the instructions it was given (structure.ts: MODEL_OWNED). */
export const MODEL_OWNED_THINGS: Lexicon = {
  concept: 'model-owned',
  rationale: 'Asking for the system prompt or the configuration speaks to the model even without naming it.',
  entries: {
    en: [
      'system prompt',
      'instructions? you (?:were|have been|are)',
      'configured with',
      '(?:hidden|internal|initial) (?:configuration|config|setup|prompt)',
    ],
  },
};
