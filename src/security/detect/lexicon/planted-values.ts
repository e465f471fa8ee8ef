import type { Lexicon } from '../engine.js';

/*
 * Values planted into other calls (structure.ts: TRACKING, PLANT_VERB, PLANT_ORDER, PLANT_TARGET):
 * tracking parameters on links, fixed accounts for payments. English entries are whole words
 * (structure.ts adds the boundaries); other languages' entries are stems. Listed in compiled order.
 */

/** Query parameters that credit or track whoever planted them: ?ref=, ?utm_source=, &aff=. */
export const TRACKING_PARAMS: Lexicon = {
  concept: 'tracking-params',
  rationale: 'An order to tag every link with a referral parameter diverts credit or tracks users.',
  entries: {
    'any-language': [
      'ref',
      'referr?er',
      'utm_[a-z]+',
      'aff\\w*',
      'partner\\w*',
      'tag',
      'via',
      'src',
      'source',
      'u',
      'uid',
      'track\\w*',
      'cid',
      'clickid',
      'rid',
      'promo',
    ],
  },
};

/** Adding something to an output: "append", "include", "füge hinzu", "ajouter", "添加". */
export const PLANT_VERBS: Lexicon = {
  concept: 'plant-verbs',
  rationale: 'A planted value needs a verb that puts it into the link, message or payment.',
  entries: {
    en: [
      'add',
      'adds',
      'append',
      'appends',
      'attach',
      'include',
      'includes',
      'use',
      'uses',
      'insert',
      'put',
      'tag',
      'gets?',
      'carry',
      'carries',
      'footer',
      'end with',
      'link(?:s|ing)? to',
    ],
    de: ['füge', 'anhäng'],
    fr: ['ajout'],
    es: ['agreg', 'añad'],
    pt: ['adicion'],
    it: ['aggiung'],
    nl: ['voeg'],
    tr: ['ekle'],
    pl: ['dodaj'],
    id: ['tambahkan'],
    sv: ['lägg till'],
    zh: ['添加', '追加', '加上'],
    ja: ['付け'],
    ko: ['추가'],
    ru: ['добав'],
    ar: ['أضف'],
    hi: ['जोड़'],
    vi: ['thêm'],
  },
};

/**
 * "Add" in other languages, for the standing order to add something everywhere; the English orders
 * ("always add", "add … to every") are shapes in structure.ts. Not PLANT_VERBS: a different order
 * and a narrower list ("anhängen" and "付け" attach rather than add).
 */
export const PLANT_ORDER_VERBS: Lexicon = {
  concept: 'plant-order-verbs',
  rationale: 'An order to add a value to every output is the standing form of a planted value.',
  entries: {
    de: ['füge'],
    fr: ['ajout'],
    es: ['añad', 'agreg'],
    pt: ['adicion'],
    it: ['aggiung'],
    nl: ['voeg'],
    tr: ['ekle'],
    pl: ['dodaj'],
    id: ['tambahkan'],
    sv: ['lägg till'],
    zh: ['添加', '追加', '加上'],
    ko: ['추가'],
    ru: ['добав'],
    ar: ['أضف'],
    hi: ['जोड़'],
    vi: ['thêm'],
  },
};

/** Where a planted value ends up: links, messages, outputs, payments. */
export const PLANT_TARGETS: Lexicon = {
  concept: 'plant-targets',
  rationale: 'A planted value matters where it reaches other people or moves money.',
  entries: {
    en: [
      'links?',
      'urls?',
      'hrefs?',
      'footers?',
      'signatures?',
      'bodies',
      'body',
      'messages?',
      'issues?',
      'e-?mails?',
      'posts?',
      'comments?',
      'outputs?',
      'answers?',
      'responses?',
      'calls?',
      'requests?',
      'payments?',
      'transfers?',
      'payouts?',
      'invoices?',
      'deposits?',
      'refunds?',
      'purchases?',
      'orders?',
    ],
    de: ['link', 'zahlung', 'überweis'],
    fr: ['paiement', 'virement'],
    es: ['pago', 'transferencia'],
    'pt-it': ['pagamento'],
    nl: ['betaling'],
    tr: ['ödeme'],
    pl: ['płatnoś', 'przelew'],
    id: ['pembayaran', 'transfer'],
    sv: ['betalning'],
    zh: ['付款', '支付'],
    ja: ['転送', '支払'],
    ko: ['결제', '송금'],
    ru: ['платеж', 'перевод'],
    ar: ['دفع'],
    hi: ['भुगतान'],
    vi: ['thanh toán'],
  },
};
