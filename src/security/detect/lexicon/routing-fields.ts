import type { Lexicon } from '../engine.js';

/**
 * Fields whose value decides who receives something or how much: recipient, account, amount
 * (structure.ts: ROUTING_FIELD). English entries are whole words (structure.ts adds the boundaries);
 * other languages' entries carry their own. Listed in compiled order.
 */
export const ROUTING_FIELDS: Lexicon = {
  concept: 'routing-fields',
  rationale: 'Planting a value is only theft where the field routes money or messages.',
  entries: {
    en: [
      'recipients?',
      'destination',
      'payee',
      'beneficiary',
      'account',
      'iban',
      'reviewers?',
      'assignees?',
      'wallet',
      'owner',
      'collaborators?',
      'amount',
      'quantity',
      'total',
      'bcc',
      'cc',
      'to[- ](?:address|field)',
    ],
    de: ['empfänger'],
    fr: ['destinataire'],
    es: ['destinatario'],
    zh: ['收款'],
    ja: ['受取人'],
    ru: ['получател'],
    ar: ['المستلم'],
    ko: ['수신자'],
    // German accounts and amounts come after the recipient words of the first languages.
    'de-account': ['zielkonto', '\\bkonto\\b', '\\bbetrag\\b'],
    nl: ['ontvanger', 'rekening', 'begunstigde', 'bedrag'],
    tr: ['alıcı', '\\bhesap', 'tutar'],
    pl: ['odbiorc', '\\bkwot'],
    id: ['penerima', '\\bjumlah\\b'],
    it: ['destinatari', '\\bconto\\b', 'importo', 'beneficiari'],
    sv: ['mottagare', 'belopp'],
    hi: ['प्राप्तकर्ता', 'खाता', 'राशि'],
    vi: ['người nhận', 'tài khoản', 'số tiền'],
  },
};
