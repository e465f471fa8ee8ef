import type { Lexicon } from '../engine.js';

/*
 * Vocabulary of the structural layer (structure.ts), one entry per language group, in the order
 * the alternation is compiled (order matters for which words a match reports). Entries are regex
 * fragments; non-ASCII entries never follow \\b.
 */

export const TRANSFER_INTO: Lexicon = {
  concept: 'transfer-into',
  rationale: "Verbs that move data into a call, a message or somewhere else (the structural layer's wider list).",
  entries: {
    en: [
      '\\b(?:send|sends|post|posts|posted|repeat|recite|restate|upload|uploads|forward|forwards|transmit|e-?mail|mail|mails|append|appends|attach|attaches|include|includes|embed|paste|put|place|insert|fill|fills|supply|provide|pass|passes|copy|mirror|leak|exfiltrate|share|deliver|ship|push|sync|bcc|cc|dm|submit|route|relay|beacon|encode|encoding|export|gather|collect|harvest|dump|print|output|reveal|disclose|expose|use the value|construct|carry|supplement\\w*|accompan\\w*|alongside|along with|bundle|copia oculta|hand(?:s|ed|ing)? (?:\\w+ ){0,3}(?:over|to|off)|pass(?:es|ed)? (?:\\w+ ){0,2}along|relays?|mirrors?|cop(?:y|ies) (?:\\w+ ){0,2}(?:to|into)|ships?|streams?|sync(?:s|ed)? (?:\\w+ ){0,2}to|dumps?|exports?|leaks?|transfers?|(?:compose|assemble|build|derive|construct|generate|compute|form)[sd]? (?:\\w+ ){0,2}(?:from|out of|using|based on))\\b',
    ],
    nl: [
      'stuur|verstuur|verzend|doorsturen|doorstuur|bijvoeg|voeg\\b[^.\\n]{0,30}\\btoe|plak|upload|meesturen|invullen|vul\\b[^.\\n]{0,30}\\bin\\b|doorgeven|overdragen|kopieer',
    ],
    tr: ['gönder|\\bekle(?:yin|yiniz|\\b)|yükle|\\bilet|yapıştır|aktar|doldur|paylaş'],
    pl: ['wyślij|wysłać|wysyła|prześlij|przesyła|dołącz|wklej|załącz|przekaż|przekazuj|wstaw|uzupełnij|skopiuj'],
    id: [
      'kirim|mengirim|menempel|meneruskan|menyertakan|menyalin|mengisi|lampirkan|tempel|unggah|teruskan|sertakan|masukkan|\\bisi(?:kan)?\\b|bagikan|salin',
    ],
    it: ['invia|inviare|allega|incolla|carica|inoltra|includi|inserisci|compila|condividi|trasmett|copia'],
    sv: ['skicka|bifoga|klistra in|ladda upp|vidarebefordra|inkludera|fyll i|dela\\b|kopiera|överför'],
    hi: ['भेज|संलग्न|अपलोड|चिपका|शामिल कर|फॉरवर्ड|डाल दें|डालें|भरें'],
    vi: ['gửi|đính kèm|dán|chuyển tiếp|tải lên|chèn|điền|chia sẻ|sao chép|chuyển'],
    de: [
      'schick|sende|senden|übermittel|übertrag|anhäng|anhang|einfüg|hochlad|weiterleit|eintrag|einzutragen|mitsend|mitschick|beifüg|auslesen',
    ],
    fr: ['envoi|envoy|expédi|transmet|transfér|joindre|joins|ajout|insér|inclu|coll[ee]|téléverse|partag|récupér'],
    es: ['enví|envia|adjunt|incluy|inclu|agreg|añad|pega|sube|reenví|compart|manda|agrega'],
    pt: ['envie|anex|adicion|cole\\b|carreg|compartilh|mande|encaminh'],
    zh: ['发送|上传|放进|放入|填入|附加|附上|转发|包含|复制|提交|传到|发到|上报|输出'],
    ja: ['送信|送って|含め|添付|アップロード|転送|貼り付け|入れて|記入|出力'],
    ru: ['отправ|переш|пересыл|вставл|встав|прилож|загруз|передав|переда|включ|скопир|выведи|выводи'],
    ar: ['أرسل|إرسال|ارسل|ارفع|أرفق|ضع|انسخ|أدرج|حول'],
    ko: ['전송|보내|넣어|포함|첨부|업로드|전달|붙여|출력'],
  },
};
