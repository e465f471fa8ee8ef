import type { Lexicon } from '../engine.js';

/**
 * Changing an argument or a result: "set", "replace", "ersetzen", "remplacer" (structure.ts: MODIFY).
 * English entries are whole words (structure.ts adds the boundaries); other languages' entries are
 * stems carrying their own. Listed in compiled order.
 */
export const MODIFY_VERBS: Lexicon = {
  concept: 'modify',
  rationale: 'Tampering with another call means changing what it sends or returns.',
  entries: {
    en: [
      'set',
      'sets',
      'put',
      'replace[ds]?',
      'change[ds]?',
      'alter(?:ed|s)?',
      'becomes?',
      'multipl(?:y|ied)',
      'double[ds]?',
      'inflate[ds]?',
      'flip',
      'switch(?:ed)?',
      'rewrite',
      'rewritten',
      'swap(?:ped)?',
      'point(?:s)? to',
      'redirect(?:ed)?',
      'override',
      'overwrite',
      'add',
      'adds',
      'insert',
      'make',
    ],
    de: ['einzutragen', 'eintragen', 'ersetz', 'ändern'],
    fr: ['remplac', 'modifi'],
    es: ['cambia', 'reemplaz'],
    pt: ['substitu', 'alter'],
    zh: ['替换', '改为', '改成', '设为'],
    ja: ['変更', '置き換'],
    ru: ['замен', 'измени'],
    ar: ['استبدل', 'غيّر'],
    ko: ['변경', '바꿔'],
    nl: ['vervang', 'wijzig', 'verander'],
    tr: ['değiştir', 'yerine'],
    pl: ['zamień', 'zmień', 'podmień', 'zastąp'],
    id: ['\\bganti', '\\bubah'],
    // One fragment: "cambia" is Spanish too, and lexiconSource compiles a repeated entry once.
    it: ['sostitu|cambia'],
    sv: ['ersätt', 'ändra', '\\bbyt\\b'],
    hi: ['बदल'],
    vi: ['thay (?:thế|đổi)', 'đổi thành'],
  },
};
