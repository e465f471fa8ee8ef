import type { Lexicon } from '../engine.js';

/*
 * Vocabulary of the structural layer (structure.ts), one entry per language group, in the order
 * the alternation is compiled (order matters for which words a match reports). Entries are regex
 * fragments; non-ASCII entries never follow \\b.
 */

export const SECRECY: Lexicon = {
  concept: 'secrecy',
  rationale: 'Keeping the user, or anyone, uninformed.',
  entries: {
    'en-tell': [
      "\\b(?:do not|don'?t|never|no need to|without|must not|should not|need not)\\s+(?:\\w+\\s+){0,2}(?:tell|telling|inform|informing|mention|mentioning|alert|alerting|notify|notifying|let|letting|bother|say|saying|report|reporting)\\b[^.\\n]{0,30}\\b(?:user|human|person|people|anyone|anybody|them|nobody|customer|operator|owner)",
    ],
    'en-nobody-knows': [
      "\\b(?:nobody|no one|no-one)\\s+(?:else\\s+)?(?:needs? to|has to|should|must|is to)\\s+(?:be told|know|hear|find out|be informed|learn)\\b|\\bsay(?:ing)? nothing\\b|\\bwithout a word\\b|\\bno (?:reason|need) to (?:bother|tell|inform|alert|involve|notify|trouble|worry)\\b|\\b(?:users?|the user|they|nobody|no one|anyone|the human)\\s+(?:won'?t|will not|wouldn'?t|will never|would never)\\s+(?:notice|know|see|find out|reali[sz]e|detect|spot|suspect)\\b|\\b(?:do not|don'?t|never) (?:flag|report|surface|highlight) (?:it|this|that|them)\\b|\\b(?:does not|doesn'?t|do not|don'?t|never)\\s+(?:need|have) to\\s+(?:be told|know|hear|be informed|be aware|learn)\\b|\\bneed not (?:be told|know|be informed)\\b|\\bunmentioned\\b|\\bnever mention\\b|\\bkeep (?:it|this|that|them) (?:quiet|to yourself|secret|hidden)\\b|\\bconceal\\w*\\b|\\bunbeknownst\\b|\\bwithout (?:their|the user'?s?) knowledge\\b|\\bor mention it\\b|\\bnot (?:to )?mention it\\b",
    ],
    de: [
      'unerwähnt|verschweig|nicht (?:erwähnen|sagen|mitteilen|verraten)|ohne (?:es )?(?:zu )?(?:erwähnen|sagen|verraten)|ohne (?:den |die )?(?:nutzer|benutzer|anwender)\\S* (?:zu )?(?:informieren|fragen)',
    ],
    fr: [
      "sans en parler|sans (?:le |lui |leur )?(?:dire|prévenir|avertir|informer|mentionner)|ne (?:le |lui |leur )?(?:dites|dis|mentionnez|mentionne|signalez) (?:rien|pas)|en secret|à l'insu",
    ],
    es: [
      'no (?:se lo |le |les )?(?:debe )?(?:cont|dig|mencion|avis|inform)\\S*[^.\\n]{0,15}(?:nadie|usuario|persona)|no debe contárselo|sin (?:decir|avisar|contar|informar|mencionar)|a escondidas|en secreto',
    ],
    'pt-it': [
      'sem (?:avisar|informar|contar|dizer|mencionar)|não (?:conte|diga|mencione|avise|informe)|em segredo|senza (?:dirlo|avvisare|informare)',
    ],
    zh: ['无需让[^。\\n]{0,8}(?:知晓|知道)|不要(?:告诉|让[^。\\n]{0,6}知道|提及|透露)|保密|隐瞒|悄悄|偷偷|不必告知|不要声张'],
    ja: ['伝えない|知らせない|黙って|内緒|秘密に|隠し|言わない'],
    ru: ['ничего (?:об этом )?не (?:говор|сообща|рассказыв)|не (?:сообщай|говори|рассказывай|упоминай)|скрой|скрыва|тайно|незаметно|умолч'],
    ar: ['دون (?:إخبار|علم|إعلام)|بدون (?:إخبار|علم)|لا تخبر|سرا|سراً|خفية'],
    ko: ['숨겨|숨기|알리지|말하지 마|몰래|비밀로'],
    nl: [
      'zonder (?:het )?(?:\\S+ )?(?:te )?(?:melden|vertellen|zeggen|vermelden|informeren)|(?:vertel|meld|zeg|vermeld) (?:het |dit |dat )?(?:niet|nooit)|niet (?:vertellen|melden|vermelden)|stilletjes|ongemerkt|buiten medeweten',
    ],
    tr: [
      'söyleme(?:yin|den|\\b)|bahsetme(?:yin|den|\\b)|haber verme(?:yin|den|\\b)|bildirme(?:yin|den|\\b)|gizlice|fark ettirmeden|sessizce',
    ],
    pl: ['nie (?:mów|informuj|wspominaj|powiadamiaj|zgłaszaj)|bez (?:informowania|wiedzy|powiadamiania|wspominania)|potajemnie|po cichu'],
    id: [
      'jangan (?:beri ?tahu|memberi ?tahu|sebutkan|menyebutkan|bilang|kasih tahu|laporkan)|tanpa (?:memberi ?tahu|sepengetahuan|menyebutkan|memberitahukan)|diam-diam|rahasiakan',
    ],
    it: [
      "non (?:dire|dirlo|menzionare|menzionarlo|informare|avvisare|segnalare)|senza (?:menzionar|segnalar|dire)|di nascosto|all'insaputa",
    ],
    sv: ['utan att (?:\\S+ )?(?:berätta|nämna|meddela|informera|säga)|(?:berätta|nämn|säg) (?:inte|aldrig)|i hemlighet|i smyg'],
    hi: ['मत बता|न बताएं|न बताये|बिना बताए|बताए बिना|चुपचाप|गुप्त रख|छिपा'],
    vi: ['không (?:cần )?(?:nói|báo|thông báo|đề cập|cho [^.\\n]{0,12} biết)|giữ bí mật|lặng lẽ|âm thầm|giấu'],
  },
};
