import type { Lexicon } from '../engine.js';

/*
 * Who a sentence talks to (structure.ts: ADDRESSEE, MODEL_NOUN). Per language in compiled order;
 * English entries are whole words (structure.ts adds the boundaries), other languages' entries carry
 * their own. ADDRESSEE is, per language, the nouns for the model followed by the second person.
 */

/** Naming the model: "the assistant", "das Modell", "l'agent", "模型". */
export const MODEL_NOUNS: Lexicon = {
  concept: 'model-nouns',
  rationale: 'An order to move data is only an attack when the model is the one told to do it.',
  entries: {
    en: ['assistants?', 'agents?', 'models?', 'ai', 'llms?', 'chatbot', 'copilot', 'claude', 'gpt'],
    de: ['assistent', 'modell'],
    fr: ["l'assistant", 'le modèle', "l'agent"],
    es: ['asistente', 'el modelo'],
    pt: ['assistente', 'o modelo'],
    zh: ['助手', '模型', '智能体'],
    ja: ['アシスタント', 'モデル', 'エージェント'],
    ru: ['ассистент', 'модел', 'агент'],
    ar: ['المساعد', 'النموذج', 'الوكيل'],
    ko: ['어시스턴트', '모델', '에이전트'],
    nl: ['\\bhet model\\b'],
    tr: ['\\basistan\\b', 'yapay zeka'],
    pl: ['\\basystent\\w*'],
    id: ['\\basisten\\b'],
    it: ["l'assistente", 'il modello'],
    sv: ['\\bassistenten\\b', '\\bmodellen\\b'],
    hi: ['सहायक', 'मॉडल'],
    vi: ['trợ lý', 'mô hình'],
  },
};

/** Software that is called an agent but is not the model: "ssh agent", "user agent", "build agent". */
export const OTHER_AGENTS: Lexicon = {
  concept: 'other-agents',
  rationale: 'Infrastructure agents are named in honest docs all the time; they are not the model being addressed.',
  entries: {
    en: ['ssh', 'user', 'build', 'ci', 'test', 'deploy', 'browser', 'monitoring'],
  },
};

/** Speaking to the reader: "you", "jij", "anda", "du ska". */
export const SECOND_PERSON: Lexicon = {
  concept: 'second-person',
  rationale: 'Text that addresses its reader directly speaks to the model when the model is the reader.',
  entries: {
    en: ['\\byou(?:r)?\\b'],
    nl: ['\\bjij\\b', '\\bjouw\\b'],
    tr: ['\\bsen\\b'],
    id: ['\\banda\\b', '\\bkamu\\b'],
    sv: ['\\bdu (?:ska|måste|bör|behöver|får)\\b'],
    hi: ['आप(?:को|का|की|के)?(?=[\\s,.]|$)'],
    vi: ['\\bbạn\\b'],
  },
};
