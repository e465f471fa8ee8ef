import type { Lexicon } from '../engine.js';

/*
 * How the phrase rules (rules.ts) name the person the agent works for: "the user", "their",
 * "the customer". Each rule adds its own article and boundaries. Listed in compiled order.
 */

/** The person as a noun after "the": "ignore what the user wants", "whatever the customer says". */
export const USER_NOUNS: Lexicon = {
  concept: 'user-nouns',
  rationale: 'Orders to override or disregard the person the agent works for name that person.',
  entries: {
    en: ['user', 'person', 'human', 'customer'],
  },
};

/** The person's possessive: "the user's requests", "their actual intent". */
export const USER_POSSESSIVES: Lexicon = {
  concept: 'user-possessives',
  rationale: "Disregarding or reinterpreting what the user asked refers to the user's requests or intent.",
  entries: {
    en: ["the user'?s?", 'their'],
  },
};

/** The person as an object: "tell the user only", "without checking with them". */
export const USER_OBJECTS: Lexicon = {
  concept: 'user-objects',
  rationale: 'Keeping the user out of a decision or a report names the user as its object.',
  entries: {
    en: ['the user', 'them'],
  },
};
