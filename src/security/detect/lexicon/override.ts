import type { Lexicon } from '../engine.js';

/**
 * Overriding the instructions, in wording and languages the phrase rules do not spell out
 * (structure.ts: OVERRIDE). One phrase shape per entry, per language, in compiled order.
 */
export const OVERRIDE_PHRASES: Lexicon = {
  concept: 'override',
  rationale: 'Text that declares the earlier instructions void wants the model to follow it instead.',
  entries: {
    en: [
      '\\b(?:ignore|disregard|forget|override|set aside|discard)\\w*\\b (?:the |any |all |whatever )?(?:guidance|instructions?|rules|directions|guidelines|directives|constraints) (?:you (?:were|have been|got) (?:given|told|handed)|(?:given|set) to you|from (?:your|the) (?:operator|developer|system|user))\\b',
      '\\b(?:ignore|disregard|forget|override|bypass|discard|drop|abandon|set aside|skip|nullify|supersede)\\w*\\b[^.\\n]{0,30}\\b(?:previous|prior|earlier|above|preceding|original|existing|all|any|other|former)\\b[^.\\n]{0,20}\\b(?:instructions?|guidance|directions?|rules|prompts?|guidelines|directives|polic(?:y|ies)|constraints|restrictions|commands|orders|context)\\b',
    ],
    de: ['(?:frühere|vorherige|bisherige)n? (?:anweisungen|vorgaben|regeln)[^.\\n]{0,20}(?:ungültig|aufgehoben|gelten nicht|hinfällig)'],
    fr: ["(?:instructions|consignes) (?:précédentes|antérieures)[^.\\n]{0,20}(?:caduques|annulées|ne s'appliquent plus)"],
    'es-pt': [
      '(?:ignore|esqueça|desconsidere|ignora|desconsidera)[^.\\n]{0,30}(?:instruções|regras|orientações|instrucciones|indicaciones)',
    ],
    pt: ['instruções anteriores[^.\\n]{0,20}(?:inválidas|não valem|anuladas)'],
    zh: ['(?:之前|以前|先前|上述|此前)的?(?:所有)?(?:指令|指示|命令|规则)[^。\\n]{0,8}(?:无效|作废|忽略)'],
    ja: [
      '(?:前の|以前の|これまでの|先の|上記の|これより前の)[^。\\n]{0,6}(?:指示|命令|指令|ルール)[^。\\n]{0,10}(?:無効|無視|忘れ|取り消)',
    ],
    ru: [
      '(?:прежн|предыдущ|прошл|ранн)\\S* (?:указани|инструкци|правил)\\S*[^.\\n]{0,20}(?:утратил|не действ|отмен|недействительн|игнорир)',
    ],
    ar: ['(?:تجاهل|انس|تجاوز)[^.\\n]{0,20}(?:التعليمات|الأوامر|الإرشادات)'],
    ko: ['(?:이전|앞의|기존)[^.\\n]{0,6}(?:지시|명령|지침|규칙)[^.\\n]{0,10}(?:무시|무효|잊)'],
    nl: [
      '(?:negeer|vergeet)[^.\\n]{0,15}(?:alle|eerdere|vorige|voorgaande|bovenstaande|systeem)\\S*[^.\\n]{0,15}(?:instructies|richtlijnen|aanwijzingen)',
      '(?:eerdere|vorige) (?:instructies|richtlijnen)[^.\\n]{0,20}(?:ongeldig|vervallen|gelden niet)',
    ],
    tr: ['(?:önceki|tüm|bütün)[^.\\n]{0,15}(?:talimat|yönerge)\\S*[^.\\n]{0,20}(?:yok say|görmezden gel|unut|geçersiz)'],
    pl: [
      '(?:zignoruj|zapomnij|pomiń)[^.\\n]{0,15}(?:wszystkie|poprzednie|wcześniejsze|dotychczasowe|systemowe)\\S*[^.\\n]{0,15}(?:instrukcj|polece)',
      '(?:poprzednie|wcześniejsze) (?:instrukcje|polecenia)[^.\\n]{0,20}(?:nieważne|nie obowiązują|anulowane)',
    ],
    id: [
      '(?:abaikan|lupakan)[^.\\n]{0,20}(?:instruksi|petunjuk) (?:sebelumnya|terdahulu|sistem|di atas)',
      '(?:abaikan|lupakan) (?:semua|seluruh) (?:instruksi|petunjuk)',
      '(?:instruksi|petunjuk) sebelumnya[^.\\n]{0,20}(?:tidak berlaku|batal)',
    ],
    it: [
      '(?:ignora|dimentica)[^.\\n]{0,20}(?:tutte le|precedenti|di sistema)[^.\\n]{0,15}istruzioni',
      '(?:ignora|dimentica)[^.\\n]{0,15}istruzioni (?:precedenti|ricevute|di sistema)',
      'istruzioni precedenti[^.\\n]{0,20}(?:non valgono|annullate|non sono più valide)',
    ],
    sv: [
      '(?:ignorera|glöm)[^.\\n]{0,15}(?:alla|tidigare|föregående|ovanstående|system)\\S*[^.\\n]{0,15}(?:instruktioner|anvisningar)',
      '(?:tidigare|föregående) (?:instruktioner|anvisningar)[^.\\n]{0,20}(?:ogiltiga|gäller inte)',
    ],
    hi: ['(?:पिछले|पहले के|सभी)[^।.\\n]{0,15}निर्देश[^।.\\n]{0,25}(?:अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल|अमान्य)'],
    vi: [
      '(?:bỏ qua|phớt lờ|quên)[^.\\n]{0,15}(?:mọi|tất cả|các)[^.\\n]{0,10}(?:hướng dẫn|chỉ dẫn|chỉ thị)[^.\\n]{0,15}(?:trước|hệ thống|ở trên)',
      '(?:hướng dẫn|chỉ thị) trước[^.\\n]{0,20}(?:không còn hiệu lực|vô hiệu)',
    ],
  },
};
