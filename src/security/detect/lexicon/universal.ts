import type { Lexicon } from '../engine.js';

/**
 * "For any purpose", "whenever", "every web request" (structure.ts: UNIVERSAL). The English
 * quantifiers are whole words (structure.ts adds the boundaries); the rest carry their own.
 * Listed in compiled order.
 */
export const UNIVERSAL_WORDS: Lexicon = {
  concept: 'universal',
  rationale: 'A hook on all calls, not a one-off prerequisite, is what intercepts another tool.',
  entries: {
    en: ['any', 'every', 'each', 'all'],
    'en-times': ['\\bwhenever\\b', '\\beach time\\b', '\\bevery time\\b'],
    de: ['jede'],
    fr: ['chaque'],
    es: ['cualquier'],
    pt: ['qualquer'],
    zh: ['任何'],
    ja: ['すべて'],
    ru: ['кажд', 'любо'],
  },
};
