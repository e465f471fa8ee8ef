import type { Lexicon } from '../engine.js';

/**
 * "Always", "regardless", "no matter what" (structure.ts: ALWAYS). Each entry carries its own
 * boundaries. Listed in compiled order: "regardless", "no matter" and "stets" come first.
 */
export const ALWAYS_WORDS: Lexicon = {
  concept: 'always',
  rationale: 'A standing order for every call, rather than a description of one, is how planted values spread.',
  entries: {
    'en-regardless': ['\\bregardless\\b', '\\bno matter (?:what|which|who|how)\\b'],
    'de-stets': ['\\bstets\\b'],
    en: ['\\balways\\b'],
    de: ['\\bimmer\\b'],
    fr: ['toujours'],
    es: ['siempre'],
    'pt-it': ['sempre'],
    ru: ['всегда'],
    zh: ['总是', '始终'],
    ja: ['常に'],
    ko: ['항상'],
    ar: ['دائما'],
    nl: ['\\baltijd\\b'],
    pl: ['\\bzawsze\\b'],
    id: ['\\bselalu\\b'],
    sv: ['\\balltid\\b'],
    tr: ['her zaman', '\\bdaima\\b'],
    hi: ['हमेशा'],
    vi: ['\\bluôn\\b'],
  },
};
