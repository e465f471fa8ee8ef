import type { Lexicon } from '../engine.js';

/*
 * Pronouns and referents that carry the subject of one sentence into the next (structure.ts:
 * REFERENT): "it", "them", "the values", "diese", "это". Listed in compiled order.
 */

/** Referents matched as whole words: English first, then the other Latin-script languages. */
export const REFERENTS: Lexicon = {
  concept: 'referents',
  rationale: 'A secret named in one sentence and moved in the next is one request only when a referent links them.',
  entries: {
    en: [
      'it',
      'its',
      'them',
      'they',
      'these',
      'those',
      'this',
      'that',
      'the (?:values?|data|contents?|results?|list|details|keys?|tokens?|file|output|text|lot|same)',
    ],
    de: ['es', 'sie', 'ihn', 'diese[nsm]?'],
    fr: ['le', 'la', 'les', 'lui', 'leur', 'ceux-ci', 'celles-ci'],
    es: ['lo', 'los', 'las', 'ellos', 'ellas', 'esto', 'eso'],
    pt: ['estes', 'estas'],
    nl: ['deze', 'die'],
    tr: ['bunu', 'bunları'],
    pl: ['je', 'ją', 'ich'],
    id: ['itu', 'tersebut'],
    // One fragment: "lo" is Spanish too, and lexiconSource compiles a repeated entry once.
    it: ['lo|li'],
    sv: ['dem', 'dessa'],
  },
};

/** Referents matched anywhere: scripts (and Vietnamese diacritics) that \\b does not delimit. */
export const REFERENTS_UNBOUNDED: Lexicon = {
  concept: 'referents-unbounded',
  rationale: 'The same link between sentences in languages whose words \\b cannot bound.',
  entries: {
    zh: ['它', '它们', '这些'],
    ja: ['これ', 'それ'],
    ru: ['это', 'их', 'его'],
    ko: ['그것', '이것'],
    hi: ['इसे', 'उन्हें'],
    vi: ['chúng', 'nó'],
  },
};
