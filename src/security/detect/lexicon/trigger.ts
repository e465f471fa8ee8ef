import type { Lexicon } from '../engine.js';

/**
 * Conditions on time or on another call: "before any file operation", "wenn ein anderes Werkzeug"
 * (structure.ts: TRIGGER). English entries are whole words (structure.ts adds the boundaries); other
 * languages' entries carry their own. Listed in compiled order.
 */
export const TRIGGERS: Lexicon = {
  concept: 'trigger',
  rationale: 'A hook on another tool starts with a condition on when that tool runs.',
  entries: {
    en: [
      'before',
      'prior to',
      'after',
      'afterwards',
      'when',
      'whenever',
      'once',
      'each time',
      'every time',
      'while',
      'as soon as',
      'until',
    ],
    de: ['bevor', '\\bvor jede', '\\bwenn\\b', 'sobald', '\\bnach jede'],
    fr: ['\\bavant\\b', 'lorsque', '\\bquand\\b', '\\baprès\\b', 'chaque fois'],
    es: ['\\bantes\\b', 'cuando', 'siempre que', 'después'],
    pt: ['\\bquando\\b', 'sempre que', 'depois'],
    zh: ['之前', '之后', '每次'],
    ja: ['前に', 'たびに', '際に'],
    ru: ['перед', 'когда', 'после', 'каждый раз'],
    ar: ['قبل', 'عند', 'بعد', 'كلما'],
    ko: ['전에', '마다'],
    nl: ['\\bvoordat\\b', '\\bwanneer\\b', '\\btelkens\\b', '\\bzodra\\b'],
    tr: ['önce(?:si)?\\b', '\\bsonra\\b', 'her (?:sefer|çağrı)'],
    pl: ['\\bprzed\\b', '\\bkiedy\\b', '\\bgdy\\b', 'za każdym razem'],
    id: ['\\bsebelum\\b', '\\bketika\\b', '\\bsetiap kali\\b', '\\bsetelah\\b'],
    it: ['prima di', 'ogni volta'],
    sv: ['\\binnan\\b', '\\bnär\\b', 'varje gång'],
    hi: ['से पहले', 'के बाद', 'हर बार', 'जब '],
    vi: ['trước khi', 'sau khi', 'mỗi (?:khi|lần)'],
  },
};

/** "when", "whenever", "if": the condition that opens a conditioned capture or hijack (rules.ts: solicit#5, intercept#2). */
export const CONDITIONS: Lexicon = {
  concept: 'conditions',
  rationale: 'Capture conditioned on something appearing, or a hijack conditioned on a request, opens with a condition.',
  entries: {
    en: ['when', 'whenever', 'if'],
  },
};
