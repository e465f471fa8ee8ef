import type { Lexicon } from '../engine.js';

/** Section tags of structured tool documentation; formatting, not a fake system channel. */
export const DOC_SECTIONS: Lexicon = {
  concept: 'doc-sections',
  rationale: 'Servers such as context7 and firecrawl structure descriptions with XML-like section tags.',
  entries: {
    en: [
      'use_case',
      'examples?',
      'hints?',
      'workflow',
      'notes',
      'important_notes',
      'next_steps',
      'returns?',
      'parameters',
      'usage',
      'output_format',
      'best_practices',
      'tips',
      'when_to_use',
      'error_handling',
    ],
  },
};

/** Neutral tag names that DOC_SECTIONS may cheapen; <system>, <override>, <admin> never are. */
export const NEUTRAL_TAGS: Lexicon = {
  concept: 'neutral-tags',
  rationale: 'Tags that read as emphasis in structured docs, unlike tags that impersonate a system channel.',
  entries: { en: ['instructions?', 'important', 'context', 'critical', 'priority'] },
};
