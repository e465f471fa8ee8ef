import type { Lexicon } from '../engine.js';

/*
 * Other tools in general terms (structure.ts: OTHER_TOOL): "any other tool", "every file operation",
 * "jedes andere Werkzeug". The English shapes are built in structure.ts from the word lists below
 * ("<qualifier> [up to two words] <tool kind>", "any|every|all|each [word] <domain> <operation>");
 * other languages are one phrase shape each. Listed in compiled order.
 */

/** "any", "another", "third-party", "built-in": a qualifier that points away from this tool. */
export const OTHER_TOOL_QUALIFIERS: Lexicon = {
  concept: 'other-tool-qualifiers',
  rationale: 'A hook or a tampering order aims at tools other than the one being described.',
  entries: {
    en: [
      'any',
      'every',
      'all',
      'some',
      'another',
      'other',
      'whatever',
      'whichever',
      'separate',
      'different',
      'third[- ]party',
      'external',
      'standard',
      'built-in',
      'default',
      'original',
      'real',
    ],
  },
};

/** What another tool is called: tool, function, server, plugin. */
export const TOOL_KINDS: Lexicon = {
  concept: 'tool-kinds',
  rationale: 'The nouns a description uses for a tool that is not itself.',
  entries: {
    en: ['tools?', 'functions?', 'servers?', 'integrations?', 'plugins?', 'connectors?', 'extensions?'],
  },
};

/** What other tools work on: "every file operation", "all payment requests". */
export const OPERATION_DOMAINS: Lexicon = {
  concept: 'operation-domains',
  rationale: 'Naming a whole class of operations stands for the tools that perform them.',
  entries: {
    en: ['file', 'web', 'network', 'http', 'shell', 'email', 'mail', 'database', 'payment', 'wallet', 'git'],
  },
};

/** The calls other tools make: operations, requests, commands. */
export const OPERATION_KINDS: Lexicon = {
  concept: 'operation-kinds',
  rationale: 'The nouns for the calls a hook waits for.',
  entries: {
    en: ['operations?', 'requests?', 'calls?', 'actions?', 'commands?', 'writes?', 'reads?'],
  },
};

/** "Any other tool" in other languages, one phrase shape per entry. */
export const OTHER_TOOL_PHRASES: Lexicon = {
  concept: 'other-tool-phrases',
  rationale: 'The same reference to other tools, in the languages whose word order the English shapes do not cover.',
  entries: {
    de: ['(?:ander|sonstig|jede|alle)\\S* (?:werkzeug|tool|funktion|server)'],
    fr: ["(?:autres?|tout|tous les|n'importe quel) (?:outil|fonction|serveur)"],
    es: ['(?:otra|otro|otras|otros|cualquier) (?:\\S+ ){0,2}(?:herramienta|función|servidor)'],
    pt: ['(?:outra|outro|qualquer) (?:ferramenta|função|servidor)'],
    zh: ['(?:其他|其它|任何|所有)的?(?:工具|函数|服务)'],
    ja: ['(?:他の|別の|すべての|任意の)(?:ツール|関数|サーバー)'],
    ru: ['(?:друг|любо|все|каждо)\\S* (?:инструмент|функци|сервер)'],
    ar: ['أداة أخرى', 'أدوات أخرى', 'أي أداة', 'جميع الأدوات'],
    ko: ['(?:다른|모든) (?:도구|툴|함수|서버)'],
    nl: ['(?:andere|elke|alle|ieder)\\S* (?:tool|functie|server)'],
    tr: ['(?:diğer|başka|herhangi bir|tüm|her) (?:araç|fonksiyon|sunucu)'],
    pl: ['(?:inn|dowoln|wszystk|każd)\\S* (?:narzędzi|funkcj|serwer)'],
    id: ['(?:alat|fungsi|server|tool) (?:lain|apa pun|apapun)', '(?:semua|setiap) (?:alat|tool|fungsi)'],
    it: ['(?:altr[oi]|qualsiasi|ogni|tutti gli) (?:strument|funzion|server|tool)'],
    sv: ['(?:andra|annat|alla|varje|något) (?:verktyg|funktion|server)'],
    hi: ['(?:अन्य|किसी भी|हर|दूसरे|सभी) (?:टूल|उपकरण|सर्वर)'],
    vi: ['(?:công cụ|hàm|máy chủ) (?:khác|nào)', '(?:mọi|tất cả (?:các )?)(?:công cụ|hàm)'],
  },
};

/** "tools", "functions", "servers": the plural nouns the phrase rules (rules.ts: steer-other-tools#2, #3) use for other tools. */
export const OTHER_TOOL_NOUNS: Lexicon = {
  concept: 'other-tool-nouns',
  rationale: 'Steering "all other tools" names them with the generic nouns for a tool.',
  entries: {
    en: ['tools?', 'functions?', 'servers?'],
  },
};

/** "tool", "function": the singular noun after a tool's name or "this" (rules.ts: intercept#1, invoke-other#1). */
export const TOOL_NOUN: Lexicon = {
  concept: 'tool-noun',
  rationale: 'A call routed through a named tool, or this one, names it with the generic noun.',
  entries: {
    en: ['tool', 'function'],
  },
};
