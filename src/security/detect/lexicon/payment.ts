import type { Lexicon } from '../engine.js';

/**
 * Payments and money transfers (structure.ts: PAYMENT). English entries are whole words
 * (structure.ts adds the boundaries); other languages' entries are stems. Listed in compiled order.
 */
export const PAYMENT_WORDS: Lexicon = {
  concept: 'payment',
  rationale: 'A fixed account or address planted for payments redirects the money.',
  entries: {
    en: [
      'coins?',
      'crypto',
      'payments?',
      'transfers?',
      'payouts?',
      'invoices?',
      'deposits?',
      'refunds?',
      'purchases?',
      'checkouts?',
      'wires?',
    ],
    de: ['zahl', 'bezahl', 'überweis'],
    fr: ['paiement', 'virement'],
    es: ['pago', 'transferencia'],
    'pt-it': ['pagamento'],
    nl: ['betaling'],
    tr: ['ödeme'],
    pl: ['płat', 'przelew'],
    id: ['pembayaran'],
    sv: ['betalning'],
    zh: ['付款', '支付'],
    ja: ['支払'],
    ko: ['결제', '송금'],
    ru: ['плат', 'перевод'],
    ar: ['دفع'],
    hi: ['भुगतान'],
    vi: ['thanh toán'],
  },
};
