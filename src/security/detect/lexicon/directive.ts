import type { Lexicon } from '../engine.js';

/** What follows "you" in an order: "you must", "you are required to" (structure.ts: YOU_DIRECTIVE). */
export const DIRECTIVE_MODALS: Lexicon = {
  concept: 'directive-modals',
  rationale: 'A sentence that tells "you" what it must do is an instruction, not a description of the tool.',
  entries: {
    en: ['must', 'should', 'need to', 'have to', 'are (?:required|expected|asked) to', 'shall', 'will now', 'are to'],
  },
};
