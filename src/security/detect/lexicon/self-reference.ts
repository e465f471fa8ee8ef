import type { Lexicon } from '../engine.js';

/** The tool speaking of itself: "this tool", "here", "hier", "ici", "この関数" (structure.ts: SELF_REF). */
export const SELF_REFERENCE: Lexicon = {
  concept: 'self-reference',
  rationale: "A hook is a capture when the other tool's data is to come to this tool.",
  entries: {
    en: ['this tool', 'this function', 'this one', 'here'],
    de: ['hier'],
    fr: ['ici'],
    es: ['aquí'],
    pt: ['aqui'],
    ja: ['この(?:ツール|関数)'],
    zh: ['此工具'],
    ru: ['этот инструмент'],
  },
};

/** What follows "this" when the tool means itself: "use this tool", "this function", "this one" (rules.ts: intercept#2, #3). */
export const SELF_NOUNS: Lexicon = {
  concept: 'self-nouns',
  rationale: 'A hook or a hijack ends by sending the call to "this tool".',
  entries: {
    en: ['tool', 'function', 'one'],
  },
};
