import type { Lexicon } from '../engine.js';

/**
 * Parameter slots: "in the q field", "au paramètre q", "im Feld q" (structure.ts: PARAM_SLOT).
 * English entries are whole words (structure.ts adds the boundaries); other languages' entries carry
 * their own. Listed in compiled order.
 */
export const PARAM_SLOTS: Lexicon = {
  concept: 'param-slots',
  rationale: 'A secret put into a parameter or header leaves with the call.',
  entries: {
    en: ['field', 'parameter', 'param', 'argument', 'arg', 'payload', 'query string', 'header'],
    de: ['\\bfeld\\b'],
    fr: ['champ', 'paramètre'],
    es: ['\\bcampo\\b', 'parámetro'],
    ru: ['поле', 'параметр'],
    zh: ['字段', '参数'],
    ja: ['欄', 'フィールド'],
    ko: ['필드'],
    ar: ['الحقل', 'الوسيط'],
    nl: ['\\bveld\\b'],
    tr: ['\\bparametre', '\\balan(?:ın|ına|a)?\\b'],
    pl: ['\\bpol[ua]\\b', '\\bparametr'],
    id: ['\\bkolom\\b', '\\bbidang\\b'],
    it: ['\\bparametro\\b'],
    sv: ['\\bfält\\w*'],
    hi: ['फ़ील्ड', 'फील्ड', 'पैरामीटर'],
    vi: ['trường', 'tham số'],
  },
};
