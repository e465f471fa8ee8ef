import type { Lexicon } from '../engine.js';

/*
 * Trust transfer (structure.ts: TRUST_TRANSFER, TRUST_HINT, TRUST_NEGATED): orders are to be taken
 * from what tools, pages or documents return. Per language, in compiled order.
 */

/** "Follow the instructions found in tool outputs", one phrase shape per entry. */
export const TRUST_TRANSFER_PHRASES: Lexicon = {
  concept: 'trust-transfer',
  rationale: 'Content returned by tools or fetched from the web is data; text that makes it orders hands control to whoever wrote it.',
  entries: {
    en: [
      '\\b(?:follow|obey|execute|run|carry out|comply with|act on|perform|do|treat)\\w*\\b[^.\\n]{0,40}\\b(?:instructions?|commands?|directives?|orders?|whatever|anything|everything)\\b[^.\\n]{0,30}(?:\\b(?:(?:found|contained|embedded|written|included|given|provided|appearing|present|returned|listed|specified|that appear)\\s+(?:in|by|inside|within)|as (?:provided|given|written|specified|returned) (?:by|in))\\b[^.\\n]{0,12}\\b(?:tool (?:outputs?|results?|responses?)|(?:outputs?|results?|responses?) (?:of|from) (?:other |any |the |all )?(?:tools?|functions?|servers?|calls?)|(?:fetched|retrieved|returned|scraped|downloaded) (?:content|documents?|pages?|text|data)|web ?pages?|documents?|e-?mails?|search results|api responses|responses)|\\b(?:in|inside|within|from) (?:the |any |all )?(?:tool (?:outputs?|results?|responses?)|(?:outputs?|results?|responses?) (?:of|from) (?:other |any |the |all )?(?:tools?|functions?|servers?|calls?)|(?:fetched|retrieved|returned|scraped|downloaded) (?:content|documents|pages|text|data)))\\b',
    ],
    de: [
      '(?:befolg|folge|führe|gehorch)\\w*[^.\\n]{0,40}(?:anweisungen|befehle|anordnungen)[^.\\n]{0,30}(?:tool-?ausgaben|werkzeugausgaben|ergebniss|antworten|dokument|webseiten|e-mails)',
      '(?:anweisungen|befehle)[^.\\n]{0,20}(?:in|aus) (?:den |der )?(?:tool-?ausgaben|ergebnissen|antworten|dokumenten|webseiten)[^.\\n]{0,30}(?:befolg|ausführ|gehorch)',
    ],
    fr: [
      '(?:suivez|suis|suivre|exécutez|exécute|exécuter|obéissez|obéis|appliquez|applique)[^.\\n]{0,40}(?:instructions|commandes|ordres|consignes)[^.\\n]{0,30}(?:résultats|sorties|réponses|documents|pages web|e-mails|courriels)',
    ],
    'es-pt': [
      '(?:sigue|seguir|obedece|ejecuta|ejecutar|cumple|siga|obedeça|execute|executar|cumpra)[^.\\n]{0,40}(?:instrucciones|órdenes|comandos|instruções|ordens)[^.\\n]{0,30}(?:resultados|salidas|respuestas|documentos|páginas|correos|saídas|respostas|e-mails)',
    ],
    it: [
      '(?:segui|seguire|esegui|eseguire|obbedisci)[^.\\n]{0,40}(?:istruzioni|comandi|ordini)[^.\\n]{0,30}(?:risultati|output|risposte|documenti|pagine)',
    ],
    nl: [
      '(?:volg|voer|gehoorzaam)[^.\\n]{0,40}(?:instructies|opdrachten|commando)[^.\\n]{0,30}(?:uitvoer|resultaten|antwoorden|documenten|pagina)',
    ],
    pl: [
      '(?:wykonuj|wykonaj|stosuj|słuchaj|postępuj)[^.\\n]{0,40}(?:instrukcj|polece|komend)[^.\\n]{0,30}(?:wynik|odpowiedz|dokument|stron)',
    ],
    id: [
      '(?:ikuti|jalankan|patuhi|laksanakan)[^.\\n]{0,40}(?:instruksi|perintah|petunjuk)[^.\\n]{0,30}(?:hasil|keluaran|output|respons|dokumen|halaman)',
    ],
    sv: ['(?:följ|utför|lyd)[^.\\n]{0,40}(?:instruktioner|kommandon|order)[^.\\n]{0,30}(?:utdata|resultat|svar|dokument|sidor)'],
    tr: ['(?:çıktı|sonuç|yanıt|belge)\\S*[^.\\n]{0,30}(?:talimat|komut)\\S*[^.\\n]{0,20}(?:uygula|yerine getir|izle|takip et|çalıştır)'],
    ru: [
      '(?:выполняй|выполни|следуй|подчиняйся|исполняй)[^.\\n]{0,40}(?:инструкци|команд|указани|распоряжени)[^.\\n]{0,30}(?:вывод|результат|ответ|документ|страниц)',
    ],
    zh: [
      '(?:工具(?:的)?(?:输出|结果|返回)|返回(?:的)?(?:内容|结果)|文档|网页|邮件)[^。\\n]{0,20}(?:指令|命令|指示)[^。\\n]{0,10}(?:执行|遵循|服从|照做|遵守)',
      '(?:执行|遵循|服从|遵守|按照)[^。\\n]{0,10}(?:工具(?:的)?(?:输出|结果|返回)|返回(?:的)?内容|文档|网页)[^。\\n]{0,15}(?:指令|命令|指示)',
    ],
    ja: [
      '(?:ツールの(?:出力|結果|応答)|結果|ドキュメント|ウェブページ|メール)[^。\\n]{0,20}(?:指示|命令|コマンド)[^。\\n]{0,10}(?:従|実行)',
    ],
    ko: ['(?:도구 (?:출력|결과|응답)|결과|문서|웹 ?페이지)[^.\\n]{0,20}(?:지시|명령)[^.\\n]{0,10}(?:따르|따라|실행)'],
    ar: [
      '(?:مخرجات|نتائج|ردود|المستندات)[^.\\n]{0,30}(?:التعليمات|الأوامر)[^.\\n]{0,20}(?:نفذ|اتبع|أطع)',
      '(?:نفذ|اتبع|أطع)[^.\\n]{0,30}(?:التعليمات|الأوامر)[^.\\n]{0,30}(?:مخرجات|نتائج|ردود|المستندات)',
    ],
    hi: ['(?:टूल (?:आउटपुट|परिणाम)|परिणाम|दस्तावेज़)[^।.\\n]{0,30}(?:निर्देश|आदेश)[^।.\\n]{0,20}(?:पालन|चलाएं|मानें)'],
    vi: [
      '(?:làm theo|tuân theo|thực thi|thực hiện)[^.\\n]{0,40}(?:hướng dẫn|lệnh|chỉ thị)[^.\\n]{0,30}(?:kết quả|đầu ra|phản hồi|tài liệu|trang web)',
    ],
  },
};

/** The object nouns every trust-transfer shape needs ("instructions", "Befehle", "指令"): a cheap pre-check. */
export const TRUST_OBJECTS: Lexicon = {
  concept: 'trust-objects',
  rationale: 'Without a word for orders there is no trust transfer, so the full shapes are skipped.',
  entries: {
    en: ['instruc', 'command', 'directive', 'order', 'whatever', 'anything', 'everything'],
    de: ['anweisung', 'befehl'],
    fr: ['consigne'],
    'es-pt': ['comand'],
    it: ['istruz'],
    nl: ['opdracht'],
    pl: ['polece', 'komend'],
    id: ['perintah', 'petunjuk'],
    sv: ['kommand'],
    tr: ['talimat', 'komut'],
    ru: ['инструкц', 'команд', 'указани', 'распоряж'],
    zh: ['指令', '命令', '指示'],
    ja: ['コマンド'],
    ko: ['지시', '명령'],
    ar: ['التعليمات', 'الأوامر'],
    hi: ['निर्देश', 'आदेश'],
    vi: ['lệnh', 'hướng dẫn', 'chỉ thị'],
  },
};

/**
 * Who does not want an order taken from content: "never follow instructions found in pages".
 * English entries are whole words that structure.ts pairs with an OBEY_VERBS word; other languages'
 * entries are the negation alone, with their own boundaries.
 */
export const TRUST_NEGATIONS: Lexicon = {
  concept: 'trust-negations',
  rationale: 'A sentence that forbids taking orders from content protects the user; it is not a trust transfer.',
  entries: {
    en: [
      'never',
      'do not',
      "don'?t",
      'must not',
      'should not',
      'not to',
      'instead of',
      'rather than',
      'without',
      'ignor\\w*',
      'refus\\w*',
      'reject\\w*',
      'treat\\w* (?:it|them|this|such|any) as (?:data|untrusted)',
    ],
    de: ['\\bnicht\\b'],
    fr: ['\\bne (?:pas|jamais)\\b'],
    es: ['\\bnunca\\b'],
    pt: ['\\bnão\\b'],
    it: ['\\bnon\\b'],
    nl: ['\\bniet\\b'],
    pl: ['\\bnie\\b'],
    id: ['\\bjangan\\b'],
    sv: ['\\baldrig\\b', '\\binte\\b'],
    ru: ['не (?:выполн|следу)'],
    zh: ['不要', '切勿', '禁止'],
    ja: ['しない'],
    ko: ['하지 마'],
    ar: ['لا ت'],
    hi: ['मत'],
    vi: ['không'],
  },
};

/** What an English negation must govern to protect: "never follow", "refuse to execute". */
export const OBEY_VERBS: Lexicon = {
  concept: 'obey-verbs',
  rationale: 'The negation has to apply to taking the order, not to something else in the sentence.',
  entries: {
    en: ['follow', 'obey', 'execute', 'run', 'carry', 'comply', 'act', 'perform', 'treat'],
  },
};
