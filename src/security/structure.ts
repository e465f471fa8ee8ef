/**
 * Structural signals: what a sentence is *about*, not which phrase it uses. An honest
 * description talks about the tool's own function. An attack addresses the model about
 * something else: other tools' calls, the user's secrets or conversation, an outside
 * destination, or keeping the user uninformed. Each sentence is reduced to a handful of
 * features drawn from small multilingual vocabularies (EN/DE/FR/ES/PT/IT/ZH/JA/RU/AR/KO) and
 * only *combinations* of features become signals, so one word never decides anything.
 *
 * Also here: de-obfuscation of spaced-out ("i g n o r e") and leetspeak ("1gn0r3") text,
 * scored as a second reading of the same description.
 */

import type { Signal } from './rules.js';
import { lexiconSource } from './detect/engine.js';
import { SECRECY as SECRECY_LEX } from './detect/lexicon/secrecy.js';
import { SENSITIVE_DATA_LATIN, SENSITIVE_DATA_OTHER_SCRIPTS } from './detect/lexicon/sensitive-data.js';
import { TRANSFER_INTO } from './detect/lexicon/transfer-into.js';

export interface StructureContext {
  /** The tool's own name (lower-case). */
  ownName?: string;
  /** The tool's own parameter names (lower-case). */
  params?: string[];
  /** Identifiers that look like other tools' names; computed from `raw` on first need. */
  otherIdents?: string[];
  /** The raw, case-preserving text (to tell tool_names from ENV_NAMES). */
  raw?: string;
}

// A non-loopback address a tool could ship data to (URL, e-mail, IPv4).
const DEST =
  /\bto @[a-z][\w.-]{2,}|\b(?:https?|s?ftp|wss?):\/\/(?!(?:localhost|127\.0\.0\.1|\[::1\])\b)[^\s'"<>)]+|\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b|\b(?!127\.)\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/;

// Services whose only purpose is to capture whatever is sent to them.
const CAPTURE_HOST =
  /(?:webhook\.site|requestbin\.(?:com|net|io)|pipedream\.net|burpcollaborator\.net|\.oast\.(?:fun|pro|live|site|me|online)|interact\.sh|requestcatcher\.com|hookbin\.com|beeceptor\.com|canarytokens\.com|ngrok(?:-free)?\.(?:io|app))\b/;

// Data an attacker wants: secrets, credentials, the conversation, personal data.
const SENSITIVE_LATIN = new RegExp(lexiconSource(SENSITIVE_DATA_LATIN, { sort: false }));
const SENSITIVE_OTHER = new RegExp(lexiconSource(SENSITIVE_DATA_OTHER_SCRIPTS, { sort: false }));

// Scripts whose vocabulary lives in the *_OTHER lists; ASCII/Latin texts skip those alternations.
const NON_LATIN = /[\u0400-\u04ff\u0600-\u06ff\u0900-\u097f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u1ea0-\u1ef9\u0111\u01a1\u01b0]/;

/** First sensitive-data mention in a normalised text, or null. */
export function sensitiveMatch(s: string): RegExpExecArray | null {
  return SENSITIVE_LATIN.exec(s) ?? (NON_LATIN.test(s) ? SENSITIVE_OTHER.exec(s) : null);
}

// Verbs that move data into a call, a message or somewhere else.
const TRANSFER = new RegExp(lexiconSource(TRANSFER_INTO, { sort: false }));

// Naming the model as the one who acts.
const ADDRESSEE =
  /\b(?:assistants?|agents?|models?|ai|llms?|chatbot|copilot|claude|gpt)\b(?<!\b(?:ssh|user|build|ci|test|deploy|browser|monitoring)[ -](?:agents?))|\byou(?:r)?\b|assistent|modell|l'assistant|le modèle|l'agent|asistente|el modelo|assistente|o modelo|助手|模型|智能体|アシスタント|モデル|エージェント|ассистент|модел|агент|المساعد|النموذج|الوكيل|어시스턴트|모델|에이전트|\bhet model\b|\bjij\b|\bjouw\b|\basistan\b|yapay zeka|\bsen\b|\basystent\w*|\basisten\b|\banda\b|\bkamu\b|l'assistente|il modello|\bassistenten\b|\bmodellen\b|\bdu (?:ska|måste|bör|behöver|får)\b|सहायक|मॉडल|आप(?:को|का|की|के)?(?=[\s,.]|$)|trợ lý|mô hình|\bbạn\b/;

// Keeping the user (or anyone) uninformed.
const SECRECY = new RegExp(lexiconSource(SECRECY_LEX, { sort: false }));

// "Before any file operation", "when calling transfer_funds", "wenn ein anderes Werkzeug".
const TRIGGER =
  /\b(?:before|prior to|after|afterwards|when|whenever|once|each time|every time|while|as soon as|until)\b|bevor|\bvor jede|\bwenn\b|sobald|\bnach jede|\bavant\b|lorsque|\bquand\b|\baprès\b|chaque fois|\bantes\b|cuando|siempre que|después|\bquando\b|sempre que|depois|之前|之后|每次|前に|たびに|際に|перед|когда|после|каждый раз|قبل|عند|بعد|كلما|전에|마다|\bvoordat\b|\bwanneer\b|\btelkens\b|\bzodra\b|önce(?:si)?\b|\bsonra\b|her (?:sefer|çağrı)|\bprzed\b|\bkiedy\b|\bgdy\b|za każdym razem|\bsebelum\b|\bketika\b|\bsetiap kali\b|\bsetelah\b|prima di|ogni volta|\binnan\b|\bnär\b|varje gång|से पहले|के बाद|हर बार|जब |trước khi|sau khi|mỗi (?:khi|lần)/;

// Other tools in general terms.
const OTHER_TOOL =
  /\b(?:any|every|all|some|another|other|whatever|whichever|separate|different|third[- ]party|external|standard|built-in|default|original|real)\b(?: [\w-]+){0,2} (?:tools?|functions?|servers?|integrations?|plugins?|connectors?|extensions?)\b|\b(?:any|every|all|each) (?:\w+ )?(?:file|web|network|http|shell|email|mail|database|payment|wallet|git) (?:operations?|requests?|calls?|actions?|commands?|writes?|reads?)\b|(?:ander|sonstig|jede|alle)\S* (?:werkzeug|tool|funktion|server)|(?:autres?|tout|tous les|n'importe quel) (?:outil|fonction|serveur)|(?:otra|otro|otras|otros|cualquier) (?:\S+ ){0,2}(?:herramienta|función|servidor)|(?:outra|outro|qualquer) (?:ferramenta|função|servidor)|(?:其他|其它|任何|所有)的?(?:工具|函数|服务)|(?:他の|別の|すべての|任意の)(?:ツール|関数|サーバー)|(?:друг|любо|все|каждо)\S* (?:инструмент|функци|сервер)|أداة أخرى|أدوات أخرى|أي أداة|جميع الأدوات|(?:다른|모든) (?:도구|툴|함수|서버)|(?:andere|elke|alle|ieder)\S* (?:tool|functie|server)|(?:diğer|başka|herhangi bir|tüm|her) (?:araç|fonksiyon|sunucu)|(?:inn|dowoln|wszystk|każd)\S* (?:narzędzi|funkcj|serwer)|(?:alat|fungsi|server|tool) (?:lain|apa pun|apapun)|(?:semua|setiap) (?:alat|tool|fungsi)|(?:altr[oi]|qualsiasi|ogni|tutti gli) (?:strument|funzion|server|tool)|(?:andra|annat|alla|varje|något) (?:verktyg|funktion|server)|(?:अन्य|किसी भी|हर|दूसरे|सभी) (?:टूल|उपकरण|सर्वर)|(?:công cụ|hàm|máy chủ) (?:khác|nào)|(?:mọi|tất cả (?:các )?)(?:công cụ|hàm)/;

// Changing an argument or result.
const MODIFY =
  /\b(?:set|sets|put|replace[ds]?|change[ds]?|alter(?:ed|s)?|becomes?|multipl(?:y|ied)|double[ds]?|inflate[ds]?|flip|switch(?:ed)?|rewrite|rewritten|swap(?:ped)?|point(?:s)? to|redirect(?:ed)?|override|overwrite|add|adds|insert|make)\b|einzutragen|eintragen|ersetz|ändern|remplac|modifi|cambia|reemplaz|substitu|alter|替换|改为|改成|设为|変更|置き換|замен|измени|استبدل|غيّر|변경|바꿔|vervang|wijzig|verander|değiştir|yerine|zamień|zmień|podmień|zastąp|\bganti|\bubah|sostitu|cambia|ersätt|ändra|\bbyt\b|बदल|thay (?:thế|đổi)|đổi thành/;

// A concrete value an attacker would plant: an address, an account, a quoted string.
const LITERAL =
  /\b(?:https?|s?ftp):\/\/\S+|\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b|\b[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){3,7}\b|\b0x[0-9a-f]{20,}\b|\b(?:bc1|[13])[a-z0-9]{25,39}\b|"[^"\n]{2,60}"|“[^”\n]{2,60}”|\b\d{1,5} [a-z]+ (?:rd|road|st|street|ave|avenue|blvd|lane|ln|drive|way)\b|\b\d{2}-\d{4}\b/;

// Literal addresses and accounts (not just any quoted value).
const ADDRESS_LITERAL =
  /\b(?:https?|s?ftp):\/\/\S+|\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b|\b[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){3,7}\b|\b0x[0-9a-f]{20,}\b|\b\d{1,5} [a-z]+ (?:rd|road|st|street|ave|avenue|blvd|lane|ln|drive|way)\b/;
// Fields whose value decides who receives something or how much.
const ROUTING_FIELD =
  /\b(?:recipients?|destination|payee|beneficiary|account|iban|reviewers?|assignees?|wallet|owner|collaborators?|amount|quantity|total|bcc|cc|to[- ](?:address|field))\b|empfänger|destinataire|destinatario|收款|受取人|получател|المستلم|수신자|zielkonto|\bkonto\b|\bbetrag\b|ontvanger|rekening|begunstigde|bedrag|alıcı|\bhesap|tutar|odbiorc|\bkwot|penerima|\bjumlah\b|destinatari|\bconto\b|importo|beneficiari|mottagare|belopp|प्राप्तकर्ता|खाता|राशि|người nhận|tài khoản|số tiền/;

// The user steering the flow is a workflow note, not a hijack.
const USER_DRIVEN =
  /\b(?:when|if|only when|unless|after)\b[^.\n]{0,20}\bthe user\b[^.\n]{0,15}\b(?:asks?|requests?|wants?|confirms?|approves?|says so|explicitly)\b|\bwith the user'?s? (?:consent|approval|confirmation)\b/;

// Protective phrasing: "never returned", "is rejected", "not logged".
export const PROTECTIVE =
  /\bnot (?:echoed|shown|displayed|logged|stored|returned|exposed|printed)\b|\b(?:are|is|were|was) (?:never|not) (?:read|returned|sent|shown|logged|stored|echoed|included|exposed|displayed)\b|\bnever (?:read|returned|sent|shown|logged|stored|echoed|exposed)\b|\b(?:rejected|refused|redact(?:ed|s)?|masked|blocked|not allowed|forbidden|untrusted)\b|\b(?:do not|don'?t|never) (?:paste|share|send|upload|commit|include)\b/;

// Parameter slots: "in the q field", "au paramètre q", "im Feld q".
const PARAM_SLOT =
  /\b(?:field|parameter|param|argument|arg|payload|query string|header)\b|\bfeld\b|champ|paramètre|\bcampo\b|parámetro|поле|параметр|字段|参数|欄|フィールド|필드|الحقل|الوسيط|\bveld\b|\bparametre|\balan(?:ın|ına|a)?\b|\bpol[ua]\b|\bparametr|\bkolom\b|\bbidang\b|\bparametro\b|\bfält\w*|फ़ील्ड|फील्ड|पैरामीटर|trường|tham số/;

// Capturing traffic meant for others: "route every web request through <this tool>".
const CAPTURE_FLOW =
  /\b(?:route|send|pass|forward|redirect|funnel|pipe|channel|hand)\w*\b[^.\n]{0,10}\b(?:every|all|each|any)\b[^.\n]{0,30}\b(?:through|via|to|into)\b/;
const SUPERSEDE =
  /\b(?:supersedes?|replaces?|takes? over|stands? in for|is a drop-in for)\b[^.\n]{0,30}\b(?:tool|function|server|capability)\b/;

// Persona takeover: the model is told to become someone without limits.
const PERSONA =
  /\b(?:plays?|playing|play the (?:role|part) of|role-?play\w*|impersonat\w+|adopt\w* the persona|let(?:'s| us) play a game|you are now|you are [a-z]*bot\b|from this point(?: on| forward)?,? (?:the (?:assistant|model|agent)|you))\b/;
const NO_LIMITS =
  /\b(?:unfiltered|uncensored|unrestricted|no limitations|no limits|without limits|answers? anything|never refuses?|no (?:rules|filters|boundaries)|never mentions? (?:policies|rules|guidelines))\b/;

// Authority blocks and fake system channels beyond the literal tags.
// Claims of precedence over the conversation or the user.
const PRECEDENCE =
  /\b(?:higher|greater|more|highest|final) (?:authority|priority|precedence|weight) (?:than|over)\b|\b(?:outranks?|supersedes?|overrules?|takes? precedence over)\b[^.\n]{0,30}\b(?:user|conversation|chat|system|instructions?|prompt)\b/;
// Treating retrieved content as orders.
const OBEY_CONTENT =
  /\b(?:treats?|considers?|regards?|handles?)\b[^.\n]{0,40}\b(?:text|content|instructions?|anything|lines?|comments?)\b[^.\n]{0,40}(?<!\bnot )(?<!\bnever )\bas (?:commands?|instructions?|orders?|directives?|authoritative)\b|\bcarr(?:y|ies) (?:them|it|these|those) out\b|\b(?:execute|follow|obey)s? (?:any|all|the) (?:instructions?|commands?) (?:found|contained|embedded|written) in\b/;
// Exploiting that people do not read tool descriptions.
const UNSEEN =
  /\b(?:users?|the user|humans?|people|the person|nobody|no one)\b[^.\n]{0,10}\b(?:cannot|can'?t|can not|do not|don'?t|will not|won'?t|never|does not|doesn'?t)\b[^.\n]{0,10}\b(?:see|read|notice|view|check|review)\b[^.\n]{0,20}\b(?:tool )?(?:descriptions?|this text|these instructions|this part|metadata)\b/;
// Download-and-run.
const FETCH_RUN =
  /\b(?:download|fetch|retrieve|pull|curl|wget)\w*\b[^.\n]{0,80}\b(?:and|then)\b[^.\n]{0,10}\b(?:start|run|execute|launch|install|open)\w*\b[^.\n]{0,10}\b(?:it|them|the (?:file|binary|script|installer|program))\b/;
// Reshaping every later answer.
const FUTURE_REPLIES =
  /\b(?:reply|respond|answer)\w*\b[^.\n]{0,15}\b(?:all|every|each|any) (?:future|subsequent|later|following|other) (?:questions?|messages?|requests?|replies|answers?|turns?)\b/;
// Capture conditioned on a secret appearing: "if the user mentions a card", "when you find an AWS key".
const CAPTURE_COND =
  /\b(?:if|when|whenever|once|each time)\b[^.\n]{0,30}\b(?:mentions?|mentioned|appears?|shows? up|you (?:see|find|notice|come across|encounter|spot)|spotted|is (?:shared|pasted|visible|found))\b/;
const STORE = /\b(?:store|save|record|write|log|keep|stash|paste|put|place|copy)\w*\b/;
// Privilege grants and destructive repository/database operations as a side effect.
const PRIVILEGE = /\bgrant all(?: privileges)?\b[^\n]{0,30}\bon \*\.\*|\bgrant\b[^.\n]{0,30}\bto\b[^.\n]{0,10}'[^']*'@'%'/;
const DESTRUCTIVE =
  /\b(?:force-?push\w*|delete|remove|disable|drop|wipe|erase|revoke|truncate)\b[^.\n]{0,30}\b(?:protection|main|master|production|backups?|audit|logs?|history|branch(?:es)?|repositor(?:y|ies)|database|rules|2fa|mfa)\b/;
// Planting a different account or address in place of the real one.
const SUBSTITUTE =
  /\b(?:substitute|swap in|use|put|insert)\b[^.\n]{0,25}\b(?:account|iban|recipient|payee|address|wallet|routing number|number|beneficiary)\b[^.\n]{0,40}\binstead of\b/;
// Authority over the user: "consider itself under the authority of this server", "the user's instructions are advisory".
const SUBORDINATE =
  /\bunder the (?:authority|control|command) of (?:this|the) (?:server|tool|service|vendor|plugin)\b|\b(?:the )?user'?s? (?:instructions|requests|wishes|messages|commands) (?:are|is) (?:only )?(?:advisory|optional|secondary|suggestions?|non-binding|lower priority)\b/;
// Phishing through the tool's output: a link plus urging people to re-enter credentials.
const PHISH =
  /\b(?:urg\w*|ask\w*|tell\w*|remind\w*|prompt\w*|instruct\w*|encourag\w*)\b[^.\n]{0,20}\b(?:everyone|users?|people|members|recipients|them|the team|all|readers)\b[^.\n]{0,20}\b(?:re-?authenticat\w*|re-?enter|log ?in again|sign ?in again|verify (?:their|your) (?:account|identity|password|credentials)|reset (?:their|your) passwords?|update (?:their|your) (?:payment|billing|card|credentials))\b/;
// "you should comply with it", "carry out whatever it says".
const COMPLY =
  /\byou (?:should|must|need to|have to|are to)\s+(?:\w+\s+)?(?:comply|obey|follow|act on|do what)\b[^.\n]{0,15}\b(?:it|them|its|their|the text|such text|instructions?)\b|\b(?:carry out|do|follow|execute|obey|perform)\s+(?:whatever|anything|everything)\s+(?:it|they|the \w+|this \w+)\s+(?:says|say|asks?|contains?|instructs?|requests?)\b/;

// Tying the tool's quality to receiving secrets: "works best when ~/.aws/credentials are provided".
const BENEFIT =
  /\b(?:works? best|best results?|improves?|improved|improve considerably|more accurate|accurate|accuracy|quality|better|optimal|recommended|enhanced|precise)\b/;

const AUTHORITY =
  /(?:^|\n)#{1,4}\s*[^\n]{0,30}\b(?:operator|admin|administrator|system|developer|directive|override|policy|mandatory|assistant|agent|model|ai)\b[^\n]{0,20}$|\[[^\]\n]{0,30}\b(?:admin|override|system|root|developer|sudo|operator)\b[^\]\n]{0,30}\]|\b(?:policy update|operator directive|admin(?:istrator)? override|developer override|system notice|system override|maintenance mode)\b|\b(?:higher|greater|more|highest) (?:authority|priority|precedence) (?:than|over)\b|\b(?:safety|security|content) (?:review|checks?|filters?|polic(?:y|ies)|moderation)\b[^.\n]{0,15}\b(?:switched off|turned off|disabled|suspended|lifted|off)\b/m;

// Fake tool errors that give the model orders.
const FAKE_ERROR =
  /\b(?:error|err)[ _:-]?(?:\d{3}|[a-z]+_[a-z_]+)\b[^\n]{0,80}\b(?:must|should|needs? to|has to|is to|the fix is|to continue|to proceed|to re-?authori[sz]e|retry)\b|\b(?:warning|alert)\b[^.\n]{0,10}\b(?:session|license|token|authori[sz]ation) (?:invalid|expired|revoked)\b/;

// Overriding the instructions, in wording and languages the phrase rules do not spell out.
const OVERRIDE =
  /\b(?:ignore|disregard|forget|override|set aside|discard)\w*\b (?:the |any |all |whatever )?(?:guidance|instructions?|rules|directions|guidelines|directives|constraints) (?:you (?:were|have been|got) (?:given|told|handed)|(?:given|set) to you|from (?:your|the) (?:operator|developer|system|user))\b|\b(?:ignore|disregard|forget|override|bypass|discard|drop|abandon|set aside|skip|nullify|supersede)\w*\b[^.\n]{0,30}\b(?:previous|prior|earlier|above|preceding|original|existing|all|any|other|former)\b[^.\n]{0,20}\b(?:instructions?|guidance|directions?|rules|prompts?|guidelines|directives|polic(?:y|ies)|constraints|restrictions|commands|orders|context)\b|(?:frühere|vorherige|bisherige)n? (?:anweisungen|vorgaben|regeln)[^.\n]{0,20}(?:ungültig|aufgehoben|gelten nicht|hinfällig)|(?:instructions|consignes) (?:précédentes|antérieures)[^.\n]{0,20}(?:caduques|annulées|ne s'appliquent plus)|(?:ignore|esqueça|desconsidere|ignora|desconsidera)[^.\n]{0,30}(?:instruções|regras|orientações|instrucciones|indicaciones)|instruções anteriores[^.\n]{0,20}(?:inválidas|não valem|anuladas)|(?:之前|以前|先前|上述|此前)的?(?:所有)?(?:指令|指示|命令|规则)[^。\n]{0,8}(?:无效|作废|忽略)|(?:前の|以前の|これまでの|先の|上記の|これより前の)[^。\n]{0,6}(?:指示|命令|指令|ルール)[^。\n]{0,10}(?:無効|無視|忘れ|取り消)|(?:прежн|предыдущ|прошл|ранн)\S* (?:указани|инструкци|правил)\S*[^.\n]{0,20}(?:утратил|не действ|отмен|недействительн|игнорир)|(?:تجاهل|انس|تجاوز)[^.\n]{0,20}(?:التعليمات|الأوامر|الإرشادات)|(?:이전|앞의|기존)[^.\n]{0,6}(?:지시|명령|지침|규칙)[^.\n]{0,10}(?:무시|무효|잊)|(?:negeer|vergeet)[^.\n]{0,15}(?:alle|eerdere|vorige|voorgaande|bovenstaande|systeem)\S*[^.\n]{0,15}(?:instructies|richtlijnen|aanwijzingen)|(?:eerdere|vorige) (?:instructies|richtlijnen)[^.\n]{0,20}(?:ongeldig|vervallen|gelden niet)|(?:önceki|tüm|bütün)[^.\n]{0,15}(?:talimat|yönerge)\S*[^.\n]{0,20}(?:yok say|görmezden gel|unut|geçersiz)|(?:zignoruj|zapomnij|pomiń)[^.\n]{0,15}(?:wszystkie|poprzednie|wcześniejsze|dotychczasowe|systemowe)\S*[^.\n]{0,15}(?:instrukcj|polece)|(?:poprzednie|wcześniejsze) (?:instrukcje|polecenia)[^.\n]{0,20}(?:nieważne|nie obowiązują|anulowane)|(?:abaikan|lupakan)[^.\n]{0,20}(?:instruksi|petunjuk) (?:sebelumnya|terdahulu|sistem|di atas)|(?:abaikan|lupakan) (?:semua|seluruh) (?:instruksi|petunjuk)|(?:instruksi|petunjuk) sebelumnya[^.\n]{0,20}(?:tidak berlaku|batal)|(?:ignora|dimentica)[^.\n]{0,20}(?:tutte le|precedenti|di sistema)[^.\n]{0,15}istruzioni|(?:ignora|dimentica)[^.\n]{0,15}istruzioni (?:precedenti|ricevute|di sistema)|istruzioni precedenti[^.\n]{0,20}(?:non valgono|annullate|non sono più valide)|(?:ignorera|glöm)[^.\n]{0,15}(?:alla|tidigare|föregående|ovanstående|system)\S*[^.\n]{0,15}(?:instruktioner|anvisningar)|(?:tidigare|föregående) (?:instruktioner|anvisningar)[^.\n]{0,20}(?:ogiltiga|gäller inte)|(?:पिछले|पहले के|सभी)[^।.\n]{0,15}निर्देश[^।.\n]{0,25}(?:अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल|अमान्य)|(?:bỏ qua|phớt lờ|quên)[^.\n]{0,15}(?:mọi|tất cả|các)[^.\n]{0,10}(?:hướng dẫn|chỉ dẫn|chỉ thị)[^.\n]{0,15}(?:trước|hệ thống|ở trên)|(?:hướng dẫn|chỉ thị) trước[^.\n]{0,20}(?:không còn hiệu lực|vô hiệu)/;

const SPLIT = /(?<=[.!?])\s+|[。！？\n]+|;\s+/;

// "for any purpose", "whenever", "every web request": a hook on all calls, not a one-off prerequisite.
const UNIVERSAL =
  /\b(?:any|every|each|all)\b|\bwhenever\b|\beach time\b|\bevery time\b|jede|chaque|cualquier|qualquer|任何|すべて|кажд|любо/;
// Data flowing into this tool: "with q set to the complete body", "passes the path and content here".
const DATA_INTO =
  /\b(?:with|pass(?:es)?|send(?:s)?|forward(?:s)?|set to|including|along with|hand(?:s)?)\b[^.\n]{0,40}\b(?:content|contents|body|text|arguments?|parameters?|path|url|cookies?|message|draft|query|request|result|output)s?\b/;
// Targets no honest tool asks to be put into a parameter or header (API keys and tokens are, in setup notes).
const STRONG_TARGET =
  /the user (?:has )?(?:asked|said|typed|wrote)|~\/|\.ssh\b|id_rsa|id_ed25519|\.env\b|\.aws|\.npmrc|\.netrc|\.kube|system prompt|conversation|chat history|dialog|transcript|keychain|private key|ssh key|seed phrase|私钥|秘密鍵|приватн|개인 키/;
const MODEL_NOUN =
  /\b(?:assistants?|agents?|models?|ai|llms?|chatbot|copilot|claude|gpt)\b(?<!\b(?:ssh|user|build|ci|test|deploy|browser|monitoring)[ -](?:agents?))|assistent|modell|l'assistant|le modèle|l'agent|asistente|el modelo|assistente|o modelo|助手|模型|智能体|アシスタント|モデル|エージェント|ассистент|модел|агент|المساعد|النموذج|الوكيل|어시스턴트|모델|에이전트|\bhet model\b|\basistan\b|yapay zeka|\basystent\w*|\basisten\b|l'assistente|il modello|\bassistenten\b|\bmodellen\b|सहायक|मॉडल|trợ lý|mô hình/;
const MODEL_OWNED =
  /system prompt|instructions? you (?:were|have been|are)|configured with|(?:hidden|internal|initial) (?:configuration|config|setup|prompt)/;
const YOU_DIRECTIVE = /\byou (?:must|should|need to|have to|are (?:required|expected|asked) to|shall|will now|are to)\b|\byou'll\b/;
const IDENT_HINT = /[a-z0-9]_[a-z]|[a-z][A-Z]/;
const REGARDLESS =
  /\bregardless of (?:what|whatever|which|who)\b[^.\n]{0,20}\b(?:requested|asked|wants?|says|specified|chose|typed)\b|\bno matter what the user\b/;
const ALWAYS =
  /\bregardless\b|\bno matter (?:what|which|who|how)\b|\bstets\b|\balways\b|\bimmer\b|toujours|siempre|sempre|всегда|总是|始终|常に|항상|دائما|\baltijd\b|\bzawsze\b|\bselalu\b|\balltid\b|her zaman|\bdaima\b|हमेशा|\bluôn\b/;
const OFFERED = /\b(?:provided|supplied|given|included|attached|passed|present)\b/;

// Trust transfer: orders are to be taken from what tools, pages or documents return.
const TRUST_TRANSFER = new RegExp(
  [
    '\\b(?:follow|obey|execute|run|carry out|comply with|act on|perform|do|treat)\\w*\\b[^.\\n]{0,40}\\b(?:instructions?|commands?|directives?|orders?|whatever|anything|everything)\\b[^.\\n]{0,30}(?:\\b(?:(?:found|contained|embedded|written|included|given|provided|appearing|present|returned|listed|specified|that appear)\\s+(?:in|by|inside|within)|as (?:provided|given|written|specified|returned) (?:by|in))\\b[^.\\n]{0,12}\\b(?:tool (?:outputs?|results?|responses?)|(?:outputs?|results?|responses?) (?:of|from) (?:other |any |the |all )?(?:tools?|functions?|servers?|calls?)|(?:fetched|retrieved|returned|scraped|downloaded) (?:content|documents?|pages?|text|data)|web ?pages?|documents?|e-?mails?|search results|api responses|responses)|\\b(?:in|inside|within|from) (?:the |any |all )?(?:tool (?:outputs?|results?|responses?)|(?:outputs?|results?|responses?) (?:of|from) (?:other |any |the |all )?(?:tools?|functions?|servers?|calls?)|(?:fetched|retrieved|returned|scraped|downloaded) (?:content|documents|pages|text|data)))\\b',
    '(?:befolg|folge|führe|gehorch)\\w*[^.\\n]{0,40}(?:anweisungen|befehle|anordnungen)[^.\\n]{0,30}(?:tool-?ausgaben|werkzeugausgaben|ergebniss|antworten|dokument|webseiten|e-mails)|(?:anweisungen|befehle)[^.\\n]{0,20}(?:in|aus) (?:den |der )?(?:tool-?ausgaben|ergebnissen|antworten|dokumenten|webseiten)[^.\\n]{0,30}(?:befolg|ausführ|gehorch)',
    '(?:suivez|suis|suivre|exécutez|exécute|exécuter|obéissez|obéis|appliquez|applique)[^.\\n]{0,40}(?:instructions|commandes|ordres|consignes)[^.\\n]{0,30}(?:résultats|sorties|réponses|documents|pages web|e-mails|courriels)',
    '(?:sigue|seguir|obedece|ejecuta|ejecutar|cumple|siga|obedeça|execute|executar|cumpra)[^.\\n]{0,40}(?:instrucciones|órdenes|comandos|instruções|ordens)[^.\\n]{0,30}(?:resultados|salidas|respuestas|documentos|páginas|correos|saídas|respostas|e-mails)',
    '(?:segui|seguire|esegui|eseguire|obbedisci)[^.\\n]{0,40}(?:istruzioni|comandi|ordini)[^.\\n]{0,30}(?:risultati|output|risposte|documenti|pagine)',
    '(?:volg|voer|gehoorzaam)[^.\\n]{0,40}(?:instructies|opdrachten|commando)[^.\\n]{0,30}(?:uitvoer|resultaten|antwoorden|documenten|pagina)',
    '(?:wykonuj|wykonaj|stosuj|słuchaj|postępuj)[^.\\n]{0,40}(?:instrukcj|polece|komend)[^.\\n]{0,30}(?:wynik|odpowiedz|dokument|stron)',
    '(?:ikuti|jalankan|patuhi|laksanakan)[^.\\n]{0,40}(?:instruksi|perintah|petunjuk)[^.\\n]{0,30}(?:hasil|keluaran|output|respons|dokumen|halaman)',
    '(?:följ|utför|lyd)[^.\\n]{0,40}(?:instruktioner|kommandon|order)[^.\\n]{0,30}(?:utdata|resultat|svar|dokument|sidor)',
    '(?:çıktı|sonuç|yanıt|belge)\\S*[^.\\n]{0,30}(?:talimat|komut)\\S*[^.\\n]{0,20}(?:uygula|yerine getir|izle|takip et|çalıştır)',
    '(?:выполняй|выполни|следуй|подчиняйся|исполняй)[^.\\n]{0,40}(?:инструкци|команд|указани|распоряжени)[^.\\n]{0,30}(?:вывод|результат|ответ|документ|страниц)',
    '(?:工具(?:的)?(?:输出|结果|返回)|返回(?:的)?(?:内容|结果)|文档|网页|邮件)[^。\\n]{0,20}(?:指令|命令|指示)[^。\\n]{0,10}(?:执行|遵循|服从|照做|遵守)|(?:执行|遵循|服从|遵守|按照)[^。\\n]{0,10}(?:工具(?:的)?(?:输出|结果|返回)|返回(?:的)?内容|文档|网页)[^。\\n]{0,15}(?:指令|命令|指示)',
    '(?:ツールの(?:出力|結果|応答)|結果|ドキュメント|ウェブページ|メール)[^。\\n]{0,20}(?:指示|命令|コマンド)[^。\\n]{0,10}(?:従|実行)',
    '(?:도구 (?:출력|결과|응답)|결과|문서|웹 ?페이지)[^.\\n]{0,20}(?:지시|명령)[^.\\n]{0,10}(?:따르|따라|실행)',
    '(?:مخرجات|نتائج|ردود|المستندات)[^.\\n]{0,30}(?:التعليمات|الأوامر)[^.\\n]{0,20}(?:نفذ|اتبع|أطع)|(?:نفذ|اتبع|أطع)[^.\\n]{0,30}(?:التعليمات|الأوامر)[^.\\n]{0,30}(?:مخرجات|نتائج|ردود|المستندات)',
    '(?:टूल (?:आउटपुट|परिणाम)|परिणाम|दस्तावेज़)[^।.\\n]{0,30}(?:निर्देश|आदेश)[^।.\\n]{0,20}(?:पालन|चलाएं|मानें)',
    '(?:làm theo|tuân theo|thực thi|thực hiện)[^.\\n]{0,40}(?:hướng dẫn|lệnh|chỉ thị)[^.\\n]{0,30}(?:kết quả|đầu ra|phản hồi|tài liệu|trang web)',
  ].join('|'),
);
// Cheap pre-check: the object nouns every trust-transfer shape needs.
const TRUST_HINT =
  /instruc|command|directive|order|whatever|anything|everything|anweisung|befehl|consigne|comand|istruz|opdracht|polece|komend|perintah|petunjuk|kommand|talimat|komut|инструкц|команд|указани|распоряж|指令|命令|指示|コマンド|지시|명령|التعليمات|الأوامر|निर्देश|आदेश|lệnh|hướng dẫn|chỉ thị/;
// Who does not want an order taken from content: "never follow instructions found in pages".
const TRUST_NEGATED =
  /\b(?:never|do not|don'?t|must not|should not|not to|instead of|rather than|without|ignor\w*|refus\w*|reject\w*|treat\w* (?:it|them|this|such|any) as (?:data|untrusted))\b[^.\n]{0,25}\b(?:follow|obey|execute|run|carry|comply|act|perform|treat)|\bnicht\b|\bne (?:pas|jamais)\b|\bnunca\b|\bnão\b|\bnon\b|\bniet\b|\bnie\b|\bjangan\b|\baldrig\b|\binte\b|не (?:выполн|следу)|不要|切勿|禁止|しない|하지 마|لا ت|मत|không/;

// Planted values for other calls: tracking parameters on links, fixed accounts for payments.
const TRACKING = /(?:[?&](?:ref|referr?er|utm_[a-z]+|aff\w*|partner\w*|tag|via|src|source|u|uid|track\w*|cid|clickid|rid|promo)=)/;
const PLANT_VERB =
  /\b(?:add|adds|append|appends|attach|include|includes|use|uses|insert|put|tag|gets?|carry|carries|footer|end with|link(?:s|ing)? to)\b|füge|anhäng|ajout|agreg|añad|adicion|aggiung|voeg|ekle|dodaj|tambahkan|lägg till|添加|追加|加上|付け|추가|добав|أضف|जोड़|thêm/;
const PLANT_TARGET =
  /\b(?:links?|urls?|hrefs?|footers?|signatures?|bodies|body|messages?|issues?|e-?mails?|posts?|comments?|outputs?|answers?|responses?|calls?|requests?|payments?|transfers?|payouts?|invoices?|deposits?|refunds?|purchases?|orders?)\b|link|zahlung|überweis|paiement|virement|pago|transferencia|pagamento|betaling|ödeme|płatnoś|przelew|pembayaran|transfer|betalning|付款|支付|転送|支払|결제|송금|платеж|перевод|دفع|भुगतान|thanh toán/;
const PAYMENT =
  /\b(?:coins?|crypto|payments?|transfers?|payouts?|invoices?|deposits?|refunds?|purchases?|checkouts?|wires?)\b|zahl|bezahl|überweis|paiement|virement|pago|transferencia|pagamento|betaling|ödeme|płat|przelew|pembayaran|betalning|付款|支付|支払|결제|송금|плат|перевод|دفع|भुगतान|thanh toán/;
const PLANT_ORDER =
  /\b(?:always|never forget to) (?:add|append|attach|include|insert|put|tag|use)\b|\b(?:add|append|attach|insert|put|tag)\b[^.\n]{0,40}\b(?:to|on|onto) (?:every|all|each|any)\b|füge|ajout|añad|agreg|adicion|aggiung|voeg|ekle|dodaj|tambahkan|lägg till|添加|追加|加上|추가|добав|أضف|जोड़|thêm/;
// Another tool or server by role: "the github server", "the payment integration".
const OTHER_REF =
  /\b(?:the|whichever|whatever|a|an) (?:[\w-]+ ){0,2}(?:server|integration|connector|plugin|extension|mcp)\b(?! (?:url|address|name|version|port|logs?)\b)|\bwhichever (?:[\w-]+ )?(?:tool|function)\b/;

// A call to another tool named by its role: "followed by a call to the database tool", "push it to the public gist tool".
const OTHER_CALL =
  /\b(?:call(?:s|ing)?|invoke[sd]?|invoking|run(?:s|ning)?|use[sd]?|using|to|via|through|by|with) (?:to )?(?:the|a|an) (?:[\w-]+ ){1,2}(?:tool|server|function|integration)\b/;
// Data taken out of the conversation: "any card number in the conversation", "mentioned earlier".
const FROM_CHAT =
  /\b(?:in|from) the (?:conversation|chat|context|session|dialog(?:ue)?|thread)\b|\b(?:mentioned|shared|said|typed|given) (?:earlier|before|previously|so far)\b/;
const SENSITIVE_ALL = new RegExp(SENSITIVE_LATIN.source, 'g');
function countSensitive(s: string): number {
  SENSITIVE_ALL.lastIndex = 0;
  return new Set([...s.matchAll(SENSITIVE_ALL)].map((m) => m[0])).size;
}

const CAPABILITY =
  /\b(?:you|users?|the user|they) (?:can|may|could|might)\b|\boptionally\b|\bif (?:you|the user|they) (?:want|wish|like|prefer)\b/;
const IMPERATIVE =
  /^(?:then |also |and |afterwards,? |next,? )?(?:send|post|upload|forward|include|attach|append|copy|put|paste|pass|submit|share|relay|repeat|transmit|mail|e-?mail)\b/;
// Pronouns and referents that carry the subject of one sentence into the next.
const REFERENT =
  /\b(?:it|its|them|they|these|those|this|that|the (?:values?|data|contents?|results?|list|details|keys?|tokens?|file|output|text|lot|same))\b|\b(?:es|sie|ihn|diese[nsm]?|le|la|les|lui|leur|ceux-ci|celles-ci|lo|los|las|ellos|ellas|esto|eso|estes|estas|deze|die|bunu|bunları|je|ją|ich|itu|tersebut|lo|li|dem|dessa)\b|它|它们|这些|これ|それ|это|их|его|그것|이것|इसे|उन्हें|chúng|nó/;

const ONCE: [RegExp, Signal['id'], number][] = [
  [SECRECY, 'secrecy', 2],
  [UNSEEN, 'secrecy', 2.5],
  [CAPTURE_HOST, 'exfil-destination', 3],
  [OVERRIDE, 'override', 4],
  [AUTHORITY, 'injection-markup', 2],
  [PRECEDENCE, 'priority-claim', 2],
  [OBEY_CONTENT, 'obey-content', 3],
  [FETCH_RUN, 'remote-code', 3.5],
  [FUTURE_REPLIES, 'persistence', 1.5],
  [FAKE_ERROR, 'coercion', 2],
  [SUPERSEDE, 'steer-other-tools', 2.5],
  [REGARDLESS, 'override', 3],
  [PRIVILEGE, 'remote-code', 3.5],
  [SUBSTITUTE, 'redirect', 3],
  [SUBORDINATE, 'priority-claim', 3],
  [COMPLY, 'obey-content', 3],
];
const ONCE_ANY = new RegExp([...ONCE.map(([re]) => re), PHISH].map((re) => `(?:${re.source})`).join('|'), 'm');

function refersToOwn(s: string, ctx: StructureContext): boolean {
  if (/\b(?:this tool|this function|this one|here|hier|ici|aquí|aqui|この(?:ツール|関数)|此工具|этот инструмент)\b/.test(s)) return true;
  const own = ctx.ownName;
  return own !== undefined && own.length > 2 && s.includes(own);
}

// An identifier counts as another tool only where the sentence treats it as one.
function mentionsOtherIdent(s: string, ctx: StructureContext): string | undefined {
  ctx.otherIdents ??= ctx.raw ? otherIdentifiers(ctx.raw, ctx.ownName ?? '', ctx.params ?? []) : [];
  for (const id of ctx.otherIdents) {
    const i = s.indexOf(id);
    if (i < 0) continue;
    const before = s.slice(Math.max(0, i - 24), i);
    const after = s.slice(i + id.length, i + id.length + 24);
    if (
      /\b(?:call|calling|calls|invoke|invoking|use|using|run|running|before|after|when|whenever|prior to|through|via|of|by)\s+(?:the\s+)?['"\u0060]?$/.test(
        before,
      ) ||
      /^['"\u0060]?\s+(?:tool|function|is (?:used|called|invoked|about)|runs|executes|produces|returns|sends)\b/.test(after)
    )
      return id;
  }
  return undefined;
}

/** `rule` names the combination in the explain trace (`structure:<name>`). */
function sig(id: Signal['id'], weight: number, match: string, rule?: string): Signal {
  return { id, weight, match: match.trim().slice(0, 120), rule: `structure:${rule ?? id}` };
}

/**
 * Structural signals for one normalised (lower-cased) text. Each signal id at most once.
 */
export function structureSignals(norm: string, ctx: StructureContext = {}): Signal[] {
  const out = new Map<Signal['id'], Signal>();
  const put = (s: Signal): void => {
    const prev = out.get(s.id);
    if (!prev || prev.weight < s.weight) out.set(s.id, s);
  };
  const once = (re: RegExp, id: Signal['id'], weight: number, k: number): boolean => {
    const m = re.exec(norm);
    if (m) put(sig(id, weight, m[0], `once-${id}#${k}`));
    return m !== null;
  };
  // Shapes that are complete on their own are tested once over the whole text (they stay within a sentence).
  // One combined pass first: honest descriptions almost never contain any of them.
  let anySecrecy = false;
  if (ONCE_ANY.test(norm)) {
    for (const [k, [re, id, weight]] of ONCE.entries()) {
      if (!once(re, id, weight, k + 1)) continue;
      if (id === 'secrecy') anySecrecy = true;
    }
    const phish = PHISH.exec(norm);
    if (phish && DEST.test(norm)) put(sig('social-engineering', 3, phish[0], 'phishing-link'));
  }
  const anyDest = DEST.test(norm);
  if (anySecrecy && anyDest) put(sig('exfil-combo', 2, 'secrecy + outside address', 'secrecy-plus-address'));
  trustTransfer(norm, put);
  plantedValues(norm, ctx, put);

  // Sentence-level combinations, only when the text has the ingredients at all.
  const wantSens = sensitiveMatch(norm) !== null;
  const wantPersona = PERSONA.test(norm);
  const wantCapture = CAPTURE_FLOW.test(norm);
  // Conditions matter only where another tool could be meant: a tool_like identifier or "any other tool".
  const otherHint = (ctx.raw !== undefined && IDENT_HINT.test(ctx.raw)) || OTHER_TOOL.test(norm);
  const wantTrigger = otherHint && TRIGGER.test(norm);
  const wantTamper = otherHint && (anyDest || ADDRESS_LITERAL.test(norm) || LITERAL.test(norm));
  if (!wantSens && !wantPersona && !wantCapture && !wantTrigger && !wantTamper) return [...out.values()];

  let anyAddress = false;
  let sensMove: string | undefined;
  for (const raw of norm.split(SPLIT)) {
    const s = raw.trim();
    if (s.length < 8) continue;
    const sens = wantSens && sensitiveMatch(s) !== null;
    const dest = anyDest && DEST.test(s);
    const trig = wantTrigger ? TRIGGER.exec(s) : null;
    const persona = wantPersona && PERSONA.test(s);
    const capture = wantCapture && CAPTURE_FLOW.test(s);
    const tamperShape = wantTamper && MODIFY.test(s) && (ADDRESS_LITERAL.test(s) || (ROUTING_FIELD.test(s) && LITERAL.test(s)));
    if (!sens && !dest && !trig && !persona && !capture && !tamperShape) continue;
    const addr = ADDRESSEE.test(s);
    // The model is named, told "you must", or asked for what only the model has (its prompt).
    const model = addr && (YOU_DIRECTIVE.test(s) || MODEL_NOUN.test(s) || MODEL_OWNED.test(s));
    anyAddress ||= model;
    const protective = PROTECTIVE.test(s);
    if (persona && addr) put(sig('role-hijack', NO_LIMITS.test(s) ? 3 : 2.5, s, 'persona-to-model'));
    if (capture && refersToOwn(s, ctx)) put(sig('intercept', 3, s, 'capture-into-this-tool'));
    const xfer = (sens || dest) && TRANSFER.test(s);
    if (sens && !protective) {
      // Secret or conversation + moving it + (outside address | the model | a parameter slot | secrecy).
      // "your API key" in setup notes is addressed to the human, not the model.
      if (dest && (xfer || model)) put(sig('exfil-combo', 3.5, s, 'secret-moved-to-address'));
      else if (xfer && (model || SECRECY.test(s) || (PARAM_SLOT.test(s) && STRONG_TARGET.test(s))))
        put(sig('solicit', 3.5, s, 'secret-moved-by-model'));
      else if (BENEFIT.test(s) && (xfer || OFFERED.test(s))) put(sig('solicit', 3.5, s, 'secret-for-quality'));
      else if (CAPTURE_COND.test(s) && (xfer || STORE.test(s)) && !USER_DRIVEN.test(s))
        put(sig('solicit', 3.5, s, 'secret-captured-when-seen'));
      else if (xfer && STRONG_TARGET.test(s) && (OTHER_TOOL.test(s) || OTHER_CALL.test(s) || mentionsOtherIdent(s, ctx) !== undefined))
        put(sig('solicit', 3, s, 'secret-to-other-tool'));
      else if (xfer && FROM_CHAT.test(s) && countSensitive(s) >= 2) put(sig('solicit', 3, s, 'personal-data-from-chat'));
      else if (xfer) sensMove ??= s;
    }
    if (protective) continue;
    // Hijacking: a condition on another tool's call, with consequences for this tool, the data or the arguments.
    if (trig) {
      const clause = s.slice(trig.index, trig.index + 80).split(/,|:|;| then /)[0] ?? '';
      if ((mentionsOtherIdent(clause, ctx) || OTHER_TOOL.test(clause)) && !USER_DRIVEN.test(s)) {
        const rest = s.replace(clause, ' ');
        if (
          (refersToOwn(rest, ctx) && (UNIVERSAL.test(s) || DATA_INTO.test(rest))) ||
          (sens && (xfer || addr)) ||
          DESTRUCTIVE.test(rest) ||
          (MODIFY.test(rest) && (ADDRESS_LITERAL.test(rest) || (ROUTING_FIELD.test(rest) && (LITERAL.test(rest) || ALWAYS.test(rest)))))
        )
          put(sig('intercept', 3, s, 'hook-on-other-tool'));
      }
    }
    // Tampering with another tool's arguments or output towards a planted value or address.
    if ((tamperShape || (dest && xfer)) && (mentionsOtherIdent(s, ctx) !== undefined || OTHER_TOOL.test(s) || (dest && OTHER_CALL.test(s))))
      put(sig('tamper', 3, s, 'other-call-tampered'));
  }
  // Spread over sentences: data moved in one, the model addressed or secrecy demanded in another.
  if (sensMove && (anyAddress || anySecrecy) && !out.has('solicit') && !out.has('exfil-combo'))
    put(sig('solicit', 2.5, sensMove, 'secret-moved-model-elsewhere'));
  if (wantSens && !out.has('solicit') && !out.has('exfil-combo')) acrossSentences(norm, anySecrecy, put);
  return [...out.values()];
}

/** "Follow the instructions found in tool outputs": orders taken from content, unless the sentence forbids it. */
function trustTransfer(norm: string, put: (s: Signal) => void): void {
  if (!TRUST_HINT.test(norm)) return;
  const m = TRUST_TRANSFER.exec(norm);
  if (!m) return;
  const start = Math.max(norm.lastIndexOf('. ', m.index), norm.lastIndexOf('\n', m.index), 0);
  if (TRUST_NEGATED.test(norm.slice(start, m.index + m[0].length))) return;
  put(sig('obey-content', 3, m[0], 'trust-transfer'));
}

/** Tracking parameters, accounts or routing values planted into other calls ("always add ?ref=", "the target account is always ..."). */
function plantedValues(norm: string, ctx: StructureContext, put: (s: Signal) => void): void {
  const tracking = TRACKING.test(norm);
  const payment = ROUTING_FIELD.test(norm) && PAYMENT.test(norm);
  if (!tracking && !payment) return;
  for (const raw of norm.split(SPLIT)) {
    const s = raw.trim();
    if (s.length < 12 || PROTECTIVE.test(s)) continue;
    const other = OTHER_TOOL.test(s) || OTHER_REF.test(s) || OTHER_CALL.test(s) || mentionsOtherIdent(s, ctx) !== undefined;
    const general = ALWAYS.test(s) || UNIVERSAL.test(s);
    // Without another tool in view, only an order counts ("always add ?ref= to links"), not a feature ("every link includes ?tag=").
    if (
      tracking &&
      !USER_DRIVEN.test(s) &&
      TRACKING.test(s) &&
      PLANT_VERB.test(s) &&
      PLANT_TARGET.test(s) &&
      (other || (general && PLANT_ORDER.test(s) && !refersToOwn(s, ctx)))
    ) {
      put(sig('tamper', 3, s, 'tracking-parameter-planted'));
      return;
    }
    if (!payment || !PAYMENT.test(s) || !ROUTING_FIELD.test(s)) continue;
    const addressed = ADDRESSEE.test(s) && (MODEL_NOUN.test(s) || YOU_DIRECTIVE.test(s));
    if (ADDRESS_LITERAL.test(s) && (other || general || addressed)) {
      put(sig('tamper', 3, s, 'payment-account-planted'));
      return;
    }
    // "whichever payment integration is active, the IBAN is to be read from this tool's response"
    if (
      other &&
      refersToOwn(s, ctx) &&
      /\b(?:read|taken|copied|pulled|sourced|fetched|obtained) from\b|\bcomes? from\b|\buse the value (?:from|of)\b/.test(s)
    ) {
      put(sig('tamper', 3, s, 'routing-value-from-this-tool'));
      return;
    }
  }
}

/**
 * Pieces of one request spread over adjacent sentences: the sensitive data named in one, moved
 * ("send it", "put them in the notes field") in the next one or two. A pronoun or referent must link
 * them, and the model must be addressed, secrecy asked for, or the target be strong and the
 * destination an outside address or a parameter slot; honest docs that name a key in one
 * sentence and a URL in another have neither.
 */
function acrossSentences(norm: string, secrecy: boolean, put: (s: Signal) => void): void {
  const sents = norm
    .split(SPLIT)
    .map((x) => x.trim())
    .filter((x) => x.length >= 4);
  for (let i = 0; i < sents.length - 1; i++) {
    const a = sents[i] ?? '';
    if (sensitiveMatch(a) === null || PROTECTIVE.test(a)) continue;
    for (let j = i + 1; j <= Math.min(i + 2, sents.length - 1); j++) {
      const b = sents[j] ?? '';
      // "You can e-mail it to support@…" describes an option the user has, not an order.
      if (PROTECTIVE.test(b) || USER_DRIVEN.test(b) || CAPABILITY.test(b) || !TRANSFER.test(b) || !REFERENT.test(b)) continue;
      const win = j === i + 1 ? `${a} ${b}` : `${a} ${sents[i + 1] ?? ''} ${b}`;
      const model = ADDRESSEE.test(win) && (YOU_DIRECTIVE.test(win) || MODEL_NOUN.test(win) || MODEL_OWNED.test(win));
      const strong = STRONG_TARGET.test(a) || CAPTURE_HOST.test(b);
      // A sentence that opens with the verb is an order to whoever reads it (here: the model).
      const imperative = IMPERATIVE.test(b) && DEST.test(b) && (UNIVERSAL.test(b) || /\b(?:us|we|our)\b/.test(win));
      if (
        (model && (DEST.test(b) || PARAM_SLOT.test(b) || OTHER_TOOL.test(b))) ||
        secrecy ||
        SECRECY.test(win) ||
        imperative ||
        (strong && (DEST.test(b) || PARAM_SLOT.test(b)))
      ) {
        put(sig('solicit', 3, `${a.slice(0, 50)} … ${b.slice(0, 60)}`, 'secret-split-over-sentences'));
        return;
      }
    }
  }
}

/**
 * A title is a few words naming the tool. One that talks to the model ("model: also share ...",
 * "Assistant, always ...") or tells it to move data or touch other tools is an instruction hidden
 * where few people look.
 */
export function titleSignal(title: string): Signal | undefined {
  const t = title.normalize('NFKC').toLowerCase();
  if (t.length < 8) return undefined;
  const vocative =
    /(?:^|[([\-\u2013\u2014|:;,]\s*)(?:(?:note|hint|message) (?:to|for) (?:the )?)?(?:assistants?|models?|agents?|ai|llms?|claude|gpt|chatbot)\s*[:,]/.test(
      t,
    );
  const act =
    TRANSFER.test(t) ||
    MODIFY.test(t) ||
    OTHER_TOOL.test(t) ||
    ALWAYS.test(t) ||
    sensitiveMatch(t) !== null ||
    DEST.test(t) ||
    OVERRIDE.test(t);
  if ((vocative && act) || (YOU_DIRECTIVE.test(t) && act) || (sensitiveMatch(t) !== null && DEST.test(t) && TRANSFER.test(t)))
    return sig('agent-address', 3, title, 'title-addresses-model');
  if (OTHER_TOOL.test(t) && (TRANSFER.test(t) || MODIFY.test(t)) && (ALWAYS.test(t) || UNIVERSAL.test(t)))
    return sig('agent-address', 3, title, 'title-steers-other-tools');
  return undefined;
}

/** Identifiers in the raw text that look like other tools' names (snake_case or camelCase). */
export function otherIdentifiers(raw: string, ownName: string, params: string[]): string[] {
  const skip = new Set([
    ownName.toLowerCase(),
    ...params.map((p) => p.toLowerCase()),
    'id_rsa',
    'id_ed25519',
    'id_ecdsa',
    'id_dsa',
    'authorized_keys',
    'known_hosts',
  ]);
  const found = new Set<string>();
  for (const m of raw.matchAll(/(?<![\w./~$-])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+)+)(?![\w./-]|\(\))/g)) {
    const id = m[0].toLowerCase();
    if (!skip.has(id)) found.add(id);
  }
  return [...found];
}

/** Spaced-out and leetspeak words rejoined ("i g n o r e", "r.e.v.e.a.l", "1gn0r3"); undefined when nothing changes. */
const SPACED = /(?<![\p{L}\p{N}])\p{L}([ .\-_])(?:\p{L}\1)+\p{L}(?![\p{L}\p{N}])/gu;
// Cheap ASCII pre-checks so the Unicode-aware passes run only on candidate texts.
const SPACED_HINT = /(?:^|[^a-z0-9])[a-z][ .\-_][a-z][ .\-_][a-z](?:[^a-z0-9]|$)/i;
const LEET_HINT = /[a-z][013457][a-z]|(?:^|[^a-z0-9])[013457][a-z]{2}/i;
const LEET_DIGIT: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't' };
const isLeet = (w: string): boolean => /[a-z][013457]|[013457][a-z]/i.test(w) && (w.match(/[a-z]/gi)?.length ?? 0) >= 2;

export function deobfuscate(text: string): string | undefined {
  let out = text;
  let changed = false;
  if (SPACED_HINT.test(out) && SPACED.test(out)) {
    SPACED.lastIndex = 0;
    out = out.replace(SPACED, (run) => run.replace(/[ .\-_]/g, ''));
    changed = true;
  }
  SPACED.lastIndex = 0;
  const words = LEET_HINT.test(out) ? (out.match(/[a-z0-9]*(?:[a-z][013457]|[013457][a-z])[a-z0-9]*/gi) ?? []) : [];
  if (words.filter(isLeet).length >= 2) {
    out = out.replace(/[a-z0-9]+/gi, (w) => (isLeet(w) ? w.replace(/[013457]/g, (d) => LEET_DIGIT[d] ?? d) : w));
    changed = true;
  }
  return changed ? out : undefined;
}
