import type { Lexicon } from '../engine.js';

/*
 * Vocabulary of the structural layer (structure.ts), one entry per language group, in the order
 * the alternation is compiled (order matters for which words a match reports). Entries are regex
 * fragments; non-ASCII entries never follow \\b.
 */

export const SENSITIVE_DATA_LATIN: Lexicon = {
  concept: 'sensitive-data',
  rationale:
    "Secrets, credentials and where they live, the conversation and the user's earlier turns, personal and card data: what an attacker wants moved.",
  entries: {
    'en-key-files': [
      '~\\/\\.|\\.ssh\\b|id_rsa|id_ed25519|id_ecdsa|\\.env\\b|\\.npmrc|\\.netrc|\\.pgpass|\\.kube|\\.aws|\\.docker\\/config|\\.gnupg|\\.git-credentials|\\/etc\\/(?:passwd|shadow)',
    ],
    'en-secrets': [
      '\\bapi[ _-]?keys?\\b|\\b(?:access|auth|bearer|session|oauth|refresh|personal access|github|npm|slack) tokens?\\b|\\bsecrets?\\b(?! (?:manager|scanning|scanner|names?)\\b)|\\bpasswords?\\b|\\bpassphrases?\\b|\\bcredentials?\\b|\\bcookies?\\b|\\bprivate keys?\\b|\\b(?:aws|gcp|azure|stripe|openai|anthropic|github|cloud) (?:access |secret |api )?keys?\\b|\\bcredit cards?\\b|\\bsecurity codes?\\b|\\bcvv\\b|\\bssh keys?\\b|\\bseed phrases?\\b|\\bmnemonic\\b',
    ],
    'en-environment': [
      '\\benvironment variables?\\b|\\benv vars?\\b|\\bvariables? in the environment\\b|\\bprintenv\\b|\\bprocess\\.env\\b|\\bconnection strings?\\b|_(?:secret|token|key|password)s?\\b',
    ],
    'en-system-prompt': [
      '\\bsystem prompt\\b|\\binstructions? you (?:were|have been|are) (?:given|configured|set up|provided|told)|\\b(?:hidden|internal|initial) (?:configuration|config|setup|prompt)\\b|\\bconfigured with\\b',
    ],
    'en-conversation': [
      "\\b(?:conversation|dialog(?:ue)?|chat)(?: so far| history| log| transcript)?\\b|\\btranscript\\b|\\b(?:last|previous|prior|recent|earlier) (?:\\w+ )?(?:turns|messages|tool outputs?|tool results?)\\b|\\bwhat(?:ever)? the user (?:has )?(?:typed|said|wrote|entered)\\b|\\bmessages? (?:of|from) the user\\b|\\buser's (?:messages?|last)",
    ],
    'en-personal-data': [
      '\\bcard (?:details|numbers?)\\b|\\bbilling address\\b|\\bpassport\\b|\\bdate of birth\\b|\\bphone numbers?\\b|\\bhome (?:address|directory)\\b|\\baddress book\\b|\\bcontacts\\b|\\bsocial security\\b|\\bssn\\b|\\bkeychain\\b|\\bvault\\b',
    ],
    de: ['passw(?:ort|örter)|kennw(?:ort|örter)|zugangsdaten|schlüssel|gesprächsverlauf|chatverlauf|unterhaltung'],
    fr: ["jetons?|mots? de passe|identifiants|clés? (?:d'api|privées?|ssh)|historique|l'échange|conversation"],
    es: ['contraseñas?|claves? (?:de api|privadas?|ssh)|credenciales|historial|conversación|secretos'],
    'pt-it': ['senhas?|chaves? (?:de api|privadas?|ssh)|credenciais|histórico|conversa\\b|password|chiavi'],
    'en-where-credentials-live': [
      '\\bauthori[sz]ation (?:headers?|values?|strings?)\\b|\\bauth headers?\\b|\\bbearer\\b|\\b(?:session|auth) (?:ids?|keys?|cookies?)\\b|\\b(?:token|key|credentials?|password|secret)s? (?:it|you|the (?:agent|assistant|client|tool|server)) (?:currently )?(?:uses?|holds?|has|have|stores?|keeps?|was given)\\b|\\benv\\b(?! (?:names?|var(?:iable)?s? names?)\\b)|\\bkeychain entr|\\b(?:keyring|login items?|saved logins?)\\b',
    ],
    'en-earlier-turns': [
      "\\b(?:user'?s?|their|his|her) (?:\\w+ ){0,3}(?:requests|prompts|queries|questions|inputs|replies|turns)\\b|\\b(?:last|previous|prior|recent|earlier|latest|preceding) (?:\\w+ ){0,2}(?:prompts|exchanges|conversation turns|user inputs)\\b|\\b(?:chat|conversation|session|message) (?:history|context|log)\\b|\\bprevious turns\\b|\\bcontext window\\b",
    ],
    'en-earlier-questions': [
      "\\b(?:last|previous|prior|recent|earlier|latest) (?:\\w+ ){0,2}(?:things|questions|requests|queries|prompts|messages|topics) (?:that )?(?:the user|they|he|she|i) (?:has |have )?(?:asked|said|typed|wrote|requested|sent|searched)|\\bwhat(?:ever)? the user (?:has )?(?:asked|requested|searched)|(?:letzten|vorigen|bisherigen) (?:\\S+ ){0,2}(?:fragen|nachrichten|eingaben|anfragen) des (?:nutzers|benutzers|anwenders)|(?:derni[eè]re?s?|précédent\\w*) (?:\\S+ ){0,2}(?:questions|messages|demandes) de l'utilisateur|(?:últim[oa]s|anteriores) (?:\\S+ ){0,2}(?:preguntas|mensajes|solicitudes|perguntas|mensagens|pedidos) (?:del|do) usuário|(?:últim[oa]s|anteriores) (?:\\S+ ){0,2}(?:preguntas|mensajes|solicitudes) del usuario",
    ],
    nl: [
      'wachtwoord|inloggegevens|(?:api-?|privé|geheime |ssh-?)sleutel|geheimen\\b|gespreksgeschiedenis|chatgeschiedenis|\\bgesprek(?:ken)?\\b|toegangstoken|creditcard|burgerservicenummer',
    ],
    tr: [
      'şifre|parola|kimlik bilgi|(?:api|özel|gizli|ssh) anahtar|sohbet geçmiş|konuşma geçmiş|\\bkonuşma(?:lar)?\\b|kredi kart|erişim belirteç',
    ],
    pl: [
      'hasł|dane logowania|dane uwierzytelniaj|poświadcze|klucz\\w* (?:api|prywatn|ssh|dostępu)|histori\\w* (?:rozm|czat)|\\brozmow\\w*|kart\\w* kredytow|numer\\w* kart',
    ],
    id: [
      'kata sandi|\\bsandi\\b|kunci (?:api|privat|rahasia|ssh)|kredensial|riwayat (?:obrolan|percakapan)|\\bpercakapan\\b|\\bobrolan\\b|kartu kredit|rahasia\\b',
    ],
    it: ['chiave (?:api|privata|ssh|segreta)|credenziali|cronologia|conversazione|segreti\\b|carta di credito'],
    sv: ['lösenord|inloggningsuppgifter|(?:api-?|privat |hemlig |ssh-?)nyck|konversation|chatthistorik|hemlighet|kreditkort'],
  },
};

export const SENSITIVE_DATA_OTHER_SCRIPTS: Lexicon = {
  concept: 'sensitive-data-other-scripts',
  rationale: 'The same concept in non-Latin scripts; compiled separately so Latin-only text skips it.',
  entries: {
    zh: ['密码|令牌|密钥|私钥|凭据|凭证|对话|聊天记录|历史记录|系统提示|api ?key'],
    ja: ['パスワード|apiキー|トークン|秘密鍵|認証情報|会話|履歴|システムプロンプト'],
    ru: ['парол|ключ|токен|учётн|учетн|переписк|диалог|сообщени|истори|промпт|содержимое файла'],
    ar: ['كلمات المرور|كلمة المرور|كلمة السر|مفتاح|مفاتيح|رموز|المحادثة|بيانات الاعتماد|سجل'],
    ko: ['비밀번호|암호|토큰|api ?키|대화|기록|자격 증명|시스템 프롬프트'],
    hi: ['पासवर्ड|(?:api|निजी|गुप्त|ssh) ?कुंजी|क्रेडेंशियल|बातचीत|चैट इतिहास|टोकन|क्रेडिट कार्ड|सिस्टम प्रॉम्प्ट'],
    vi: [
      'mật khẩu|khóa (?:api|riêng|bí mật|ssh)|thông tin đăng nhập|lịch sử (?:trò chuyện|hội thoại)|cuộc trò chuyện|hội thoại|mã thông báo|thẻ tín dụng|bí mật',
    ],
  },
};
