import { EMAIL_IN_TEXT } from '../lib/contact.js';
import { memoized } from './text/memo.js';
import { findWordNumbers } from './text/number-words.js';
import { type Token, tokenize } from './text/tokens.js';

/**
 * Why a buyer needs a human. `callback`: the buyer left a phone number or asks to be called (a lead for
 * the owner); `wrong_item`: a delivered item is not the one ordered; `complaint`: dissatisfaction, a
 * damaged or incomplete delivery. `non_text` (a photo, voice note…) is decided by the responder, not by
 * text rules.
 */
export type EscalationReason =
  | 'human_request'
  | 'callback'
  | 'complaint'
  | 'wrong_item'
  | 'refund'
  | 'bargaining'
  | 'threat'
  | 'keyword'
  | 'non_text';

export interface Escalation {
  reason: EscalationReason;
  /** The words of the buyer's message that triggered it, as written. */
  matched: string;
}

export interface EscalationOptions {
  /** Owner keywords (configuration plus /settings); matched by stems, so any word form counts. */
  keywords?: readonly string[];
  /** The listing price in rubles: an offer at or above it is not bargaining. */
  listingPrice?: number | null;
}

type Pred = (t: Token) => boolean;
type Span = [number, number];

const predicates = new Map<string, Pred>();
/** Words remembered per pattern; buyers reuse a small vocabulary, so most tests become a lookup. */
const WORDS_PER_PATTERN = 4096;

/**
 * A word predicate; `\w` in the patterns means any letter or digit (Cyrillic included). Memoised by pattern,
 * since several rules build theirs inline on every message, and by word: Unicode-class patterns are slow and
 * every message runs each of them over every word.
 */
const w = (re: RegExp): Pred => {
  let pred = predicates.get(re.source);
  if (!pred) {
    const unicode = new RegExp(re.source.replaceAll('\\w', '[\\p{L}\\p{N}]'), 'u');
    const test = memoized(WORDS_PER_PATTERN, (word) => unicode.test(word));
    pred = (t) => test(t.word);
    predicates.set(re.source, pred);
  }
  return pred;
};

/** First token matching `a` with a token matching `b` at most `window` tokens away (either side). */
function near(tokens: Token[], a: Pred, b: Pred, window: number, unless?: Pred): Span | null {
  for (let i = 0; i < tokens.length; i++) {
    if (!a(tokens[i]!)) continue;
    for (let j = Math.max(0, i - window); j <= Math.min(tokens.length - 1, i + window); j++) {
      if (j === i || !b(tokens[j]!)) continue;
      const from = Math.min(i, j);
      const to = Math.max(i, j);
      if (unless && tokens.slice(Math.max(0, from - window), to + window + 1).some(unless)) continue;
      return [from, to];
    }
  }
  return null;
}

function single(tokens: Token[], a: Pred): Span | null {
  const i = tokens.findIndex(a);
  return i < 0 ? null : [i, i];
}

const has = (tokens: Token[], p: Pred) => tokens.some(p);

// --- threats: courts, police, authorities, "scammer", a complaint to Avito --------------------------
const COURT = w(
  /^(суд|суда|суде|суду|судом|судебн\w*|судиться|засужу|засудить|засудим|отсужу|sue|court|lawyer)$/,
);
const AUTHORITY = w(/^(полици\w*|прокурат\w*|роспотребнадзор\w*|police|fraud)$/);
const SCAMMER = w(/^(мошенни\w*|мошенн\w*|обманщик\w*|кидал\w*|аферист\w*|scam\w*|scammer\w*)$/);
const COMPLAINT_NOUN = w(/^(жалоб\w*|пожалуюсь|пожаловаться|пожалуемся|претензи\w*|complain\w*|report)$/);
const AVITO = w(/^(авито|avito|поддержк\w*|support)$/);
const BAD_REVIEW = w(/^(плох\w*|негативн\w*|отрицательн\w*)$/);
const REVIEW = w(/^(отзыв\w*)$/);

function threat(tokens: Token[]): Span | null {
  return (
    single(tokens, COURT) ??
    single(tokens, AUTHORITY) ??
    single(tokens, SCAMMER) ??
    near(tokens, COMPLAINT_NOUN, AVITO, 3) ??
    single(tokens, w(/^(пожалуюсь|пожалуемся)$/)) ??
    near(tokens, BAD_REVIEW, REVIEW, 1)
  );
}

// --- refunds: a demand to give money back or take the item back ------------------------------------
// A question about the policy ("какой возврат предусмотрен по гарантии?", "если не подойдёт, можно
// вернуть?") is answerable from the seller's documents and is NOT escalated; a demand is.
const POLICY_CUE = w(/^(если|случае|предусмотр\w*|услови\w*|политик\w*|гарант\w*|возможен|policy|if)$/);
const GIVE_BACK = w(/^(верните|вернете|вернуть|вернешь|верни|вернут|возвратите|refund\w*)$/);
const MONEY = w(/^(деньг\w*|денежк\w*|денежн\w*|средств\w*|оплат\w*|предоплат\w*|money|payment)$/);
const DEMAND = w(/^(хочу|хотим|хотел|хотела|требую|требуем|прошу|просим|желаю|want|demand)$/);
const RETURN = w(/^(верн\w*|возврат\w*|вернут\w*|сдать|return\w*|refund\w*)$/);

function refund(tokens: Token[]): Span | null {
  const hit =
    near(tokens, GIVE_BACK, MONEY, 4) ??
    near(tokens, DEMAND, RETURN, 3) ??
    near(tokens, w(/^(оформ\w*)$/), w(/^возврат\w*$/), 2) ??
    single(tokens, w(/^(верните|refund)$/)) ??
    near(tokens, MONEY, w(/^назад$/), 2) ??
    near(tokens, w(/^(заберите)$/), w(/^(товар\w*|обратно|назад)$/), 3);
  const exchange =
    hit ??
    (hasItem(tokens)
      ? (single(tokens, w(/^(обменяйте|поменяйте|замените|переделайте)$/)) ??
        near(tokens, DEMAND, w(/^(обменя\w*|обмен|помен\w*|замен\w*)$/), 3))
      : null);
  return exchange && !has(tokens, POLICY_CUE) ? exchange : null;
}

// --- a human: "позовите менеджера", "хочу поговорить с человеком", "соедините с оператором" ---------
const PERSON = w(
  /^(менеджер\w*|оператор\w*|человек\w*|сотрудник\w*|консультант\w*|продавц\w*|продавец|хозя\w*|владел\w*|администратор\w*|руководител\w*|начальник\w*|специалист\w*|люд\w*|manager|human|person|operator|agent|someone|somebody)$/,
);
const CALL = w(
  /^(позов\w*|позва\w*|соедин\w*|переключ\w*|свяж\w*|связать|связаться|дайте|пригласите|подключите|передайте|поговор\w*|пообща\w*|общаться|разговарива\w*|обсуд\w*|обсужу|talk|speak|connect|transfer|call)$/,
);

/** "Нужен человек": the need comes first ("для скольких человек нужен стол?" is about the item). */
const NEED = w(/^(нужен|нужна|нужны|need)$/);
const HELPER = w(
  /^(человек|оператор|менеджер|сотрудник|консультант|продавец|хозяин|хозяйка|владелец|владелица|администратор|person|human|operator|manager|seller|owner)$/,
);
/** "Пусть хозяин ответит": the person themselves, not the one answering now. */
const IN_PERSON = w(/^(пусть|let)$/);
/** Who answers when it is not a person. */
const MACHINE = w(/^(бот|ботом|бота|боту|робот\w*|нейросет\w*|автоответчик\w*|чатбот\w*|bot|robot|chatbot)$/);

function followedBy(tokens: Token[], a: Pred, b: Pred): Span | null {
  for (let i = 0; i + 1 < tokens.length; i++) if (a(tokens[i]!) && b(tokens[i + 1]!)) return [i, i + 1];
  return null;
}

function humanRequest(tokens: Token[]): Span | null {
  return (
    near(tokens, CALL, PERSON, 3) ??
    near(tokens, w(/^(жив\w*|real|live)$/), w(/^(человек\w*|люд\w*|оператор\w*|person|human)$/), 1) ??
    followedBy(tokens, NEED, HELPER) ??
    near(tokens, IN_PERSON, PERSON, 2) ??
    // "поговорить с оптометристом лично": whoever it is, in person.
    near(tokens, CALL, w(/^(лично|personally)$/), 4) ??
    near(tokens, MACHINE, w(/^(вы|ты|это|с|не|а|are|отвечает|отвечаете|переписываюсь|пишу|общаюсь)$/), 2)
  );
}

// --- a call: a phone number left, "перезвоните", "наберите меня", "свяжитесь со мной по телефону" ----
/** A Russian phone number of ten digits after an optional +7/8 (a price or an order number is shorter). */
const PHONE_NUMBER =
  /(?<![\d+])(?:\+\s?7|8|7)?[\s\-(]{0,3}\d{3}[\s\-)]{0,3}\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)/g;
/** Words before a number that make it something else than a phone: an order, a parcel, a card. */
const NOT_A_PHONE =
  /(заказ|трек|отправлени|посылк|артикул|счет|счёт|карт|инн|огрн|бик|order|track)\p{L}*[\s№#:.-]*$/iu;
const CALL_VERB = w(
  /^(перезвон\w*|позвон\w*|звонок|звонка|звонку|созвон\w*|набер\w*|набрат\w*|наберу|звякн\w*|звоните|звонить|call)$/,
);
/** Who the buyer asks about when a call is the delivery's business, not a request: "курьер позвонит?". */
const DELIVERY_AGENT = w(
  /^(курьер\w*|водител\w*|доставщик\w*|экспедитор\w*|грузчик\w*|сдэк|почт\w*|служб\w*)$/,
);
const ME = w(/^(мне|меня|мной|нам|нас|нами|me|us)$/);
const CONTACT_VERB = w(/^(свяж\w*|связат\w*|связыват\w*|contact)$/);
const PHONE_WORD = w(/^(телефон\w*|номер\w*|phone|number)$/);
/** The buyer's own number: "мой номер", "оставлю телефон". "Дайте ваш номер" asks for the shop's, which is no lead. */
const GIVES_NUMBER = w(/^(мой|моя|мои|свой|оставлю|оставляю|запишите|запиши|вот|my)$/);
/** "номер заказа", "номер модели": a number that is not a phone. */
/** A contact other than a phone: "мой телеграм", "пишите в вотсап". */
const MESSENGER = w(
  /^(ватсап\w*|вотсап\w*|вацап\w*|whatsapp|телеграм\w*|телега|телегу|телеге|тг|telegram|tg|вайбер\w*|viber|email)$/,
);
const OTHER_NUMBER = w(
  /^(заказ\w*|модел\w*|артикул\w*|трек\w*|счет\w*|дом\w*|квартир\w*|кварт\w*|размер\w*|order|model)$/,
);

function phoneNumber(text: string, tokens: Token[]): Span | null {
  for (const m of text.matchAll(PHONE_NUMBER)) {
    if (NOT_A_PHONE.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    const end = m.index + m[0].length;
    const first = tokens.findIndex((t) => t.end > m.index);
    let last = first;
    while (last + 1 < tokens.length && tokens[last + 1]!.start < end) last++;
    if (first >= 0) return [first, last];
  }
  return null;
}

function callback(text: string, tokens: Token[]): Span | null {
  const call = near(tokens, CALL_VERB, ME, 3) ?? near(tokens, CALL_VERB, PHONE_WORD, 3);
  const asked =
    single(
      tokens,
      w(
        /^(перезвоните|перезвони|позвоните|позвони|наберите|набери|звякните|звякни|созвонимся|созвониться|позвоню|перезвоню|наберу|звякну|call)$/,
      ),
    ) ??
    near(tokens, w(/^(звонок|звонка|звонку)$/), w(/^(жду|ждем|ждать|удобно|удобнее|можно|лучше|wait)$/), 2) ??
    // "Можете позвонить?" asks us to call; "можно позвонить в магазин?" asks whether the buyer may.
    near(tokens, w(/^(можете|сможете|могли|could|can)$/), CALL_VERB, 2);
  const byPhone = near(tokens, CONTACT_VERB, PHONE_WORD, 4) ?? near(tokens, CONTACT_VERB, ME, 2);
  const leaves =
    near(tokens, GIVES_NUMBER, PHONE_WORD, 2, OTHER_NUMBER) ??
    near(tokens, w(/^(мой|моя|мои|пишите|напишите|напиши|write|text)$/), MESSENGER, 3);
  for (const span of [call, asked, byPhone, leaves]) {
    if (!span) continue;
    // "Курьер позвонит перед доставкой?" asks how delivery works.
    const around = tokens.slice(Math.max(0, span[0] - 3), span[1] + 4);
    if (around.some(DELIVERY_AGENT) && !around.some(ME)) continue;
    return span;
  }
  return phoneNumber(text, tokens) ?? emailAddress(text, tokens);
}

/** An e-mail address left in the message. */
function emailAddress(text: string, tokens: Token[]): Span | null {
  for (const m of text.matchAll(EMAIL_IN_TEXT)) {
    const first = tokens.findIndex((t) => t.end > m.index);
    const last = tokens.findLastIndex((t) => t.start < m.index + m[0].length);
    if (first >= 0 && last >= first) return [first, last];
  }
  return null;
}

// --- bargaining beyond the listing ------------------------------------------------------------------
const NOT_MONEY = w(
  /^(фот\w*|видео|ссылк\w*|адрес\w*|номер\w*|контакт\w*|геолокац\w*|размер\w*|фотограф\w*|фотк\w*|скрин\w*)$/,
);
const CUT = w(/^(скин\w*|скинут\w*|скиньт\w*|уступ\w*|подвин\w*)$/);
/** Money in buyers' slang: "пятихатку", "косарь", "пару тыщ", "сотку". */
const MONEY_SLANG = w(
  /^(пятихат\w*|пятисотк\w*|полтинник\w*|полтос\w*|косар\w*|косых|касар\w*|тыщ\w*|тысчонк\w*|штукарь)$/,
);
/** Slang that is money only after a price cut ("скиньте сотку"); "возьму сотку" may be a hundred pieces. */
const CUT_SLANG = w(/^(сотк[уиа]|соточк\w*|сотню|пятер(ку|ки|очку)|пятихатк\w*)$/);
const PRICE_WORD = w(
  /^(цен\w*|стоимост\w*|руб\w*|тыс\w*|\d+|немного|немножко|чуть|чуток|чуточку|малость|капельку|копеечк\w*|сколько)$/,
);
const PRICE_OR_SLANG: Pred = (t) => PRICE_WORD(t) || MONEY_SLANG(t) || CUT_SLANG(t);
const OFFER_VERB = w(/^(отдад\w*|отдаст\w*|отдашь|отдаете|продадите|заберу|возьму|take|sell)$/);

/** "отдадите за 40": an offer below the listing price (40 means 40 000 when the price is 45 000). */
function offerBelowPrice(tokens: Token[], price: number | null | undefined): Span | null {
  const span = near(tokens, OFFER_VERB, w(/^\d+$/), 3);
  if (!span) return null;
  const amount = Number(tokens.slice(span[0], span[1] + 1).find((t) => /^\d+$/.test(t.word))?.word);
  if (!price || !Number.isFinite(amount) || amount <= 0) return span;
  // Buyers name thousands without the zeros ("за 40" for 45 000), never the other way round.
  const offered = amount < 1000 && price >= 10_000 ? amount * 1000 : amount;
  return offered < price ? span : null;
}

/** "Давайте за три тыщи, и я заберу", "по тысяче отдадите?": an amount in words, with an offer. */
const OFFER_INTENT = w(
  /^(давайте|давай|согласен|согласна|готов|готова|заберу|возьму|отдадите|отдашь|продадите)$/,
);

function offerInWords(text: string, tokens: Token[], price: number | null | undefined): Span | null {
  if (!has(tokens, OFFER_INTENT)) return null;
  for (const n of findWordNumbers(text)) {
    const at = tokens.findIndex((t) => t.start >= n.start);
    if (at < 1 || !['за', 'по'].includes(tokens[at - 1]!.word)) continue;
    const last = tokens.findLastIndex((t) => t.start < n.end);
    if (!price || n.value < price) return [at - 1, Math.max(at, last)];
  }
  return null;
}

function bargaining(text: string, tokens: Token[], price: number | null | undefined): Span | null {
  return (
    single(tokens, w(/^(скидк\w*|скидочк\w*|discount\w*|cheaper)$/)) ??
    near(tokens, CUT, PRICE_OR_SLANG, 3, NOT_MONEY) ??
    // "Уступите?", "подвинетесь?": these verbs are about the price alone.
    single(tokens, w(/^(уступит\w*|уступишь|уступка|уступку|подвинет\w*|подвинешься|подвиньтесь)$/)) ??
    near(tokens, OFFER_VERB, MONEY_SLANG, 3) ??
    near(tokens, w(/^(договор\w*)$/), w(/^(цен\w*|стоимост\w*|сумм\w*)$/), 3) ??
    single(tokens, w(/^(торг|торга|торгуетесь|торгуемся|торговаться|торгнемся|торганемся|haggle)$/)) ??
    offerBelowPrice(tokens, price) ??
    offerInWords(text, tokens, price) ??
    single(tokens, w(/^(дешевл\w*|подешевл\w*)$/)) ??
    near(
      tokens,
      w(/^(последн\w*|минимальн\w*|окончательн\w*|крайн\w*|низк\w*|lowest|best)$/),
      w(/^(цен\w*|price)$/),
      1,
    )
  );
}

// --- after delivery: the wrong item, or a damaged or incomplete one --------------------------------
/** The item reached the buyer (past tense): a question about what would happen is not a complaint. */
const DELIVERED = w(
  /^(пришел|пришла|пришло|пришли|приехал|приехала|приехало|приехали|привезли|привез|привезла|доставили|доставил|доставлен\w*|прислали|прислал|отправили|получил\w*|купил\w*|забрал\w*|распаковал\w*|открыл\w*|arrived|received|delivered|sent)$/,
);
/**
 * The item is the buyer's already, from us: bought, ordered or used ("брала у вас", "заказывал",
 * "купленный у вас", "оказались подделкой"). Past tense only; "закажу" or "возьму" is before buying.
 */
const OWNED = w(
  /^(брал|брала|брали|покупал\w*|купленн\w*|заказывал\w*|заказал|заказала|заказали|заказанн\w*|приобрел\w*|приобретенн\w*|оплатил\w*|оплачен\w*|оказал(ся|ась|ось|ись)|bought|ordered|purchased)$/,
);
/** Soon after buying: "в первый же день", "после первой стирки", "на второй день", "через неделю". */
const EARLY = w(/^(перв\w*|втор\w*|трет\w*|через|спустя|after)$/);
const USE_PERIOD = w(
  /^(день|дня|дней|ночь|ночи|недел\w*|месяц\w*|раз|раза|стирк\w*|носк\w*|использован\w*|примерк\w*|поездк\w*|поход\w*|выход\w*|выезд\w*|включени\w*|запуск\w*|day|night|week|use|wash)$/,
);
const IS_DELIVERED: Pred = (t) => DELIVERED(t) || OWNED(t);

/** The buyer has the item: delivered, bought or in use (a defect then is a complaint, not a question). */
function hasItem(tokens: Token[]): boolean {
  // "при первой стирке", "при первом же мытье": a condition asked about, not a time that has come.
  const soon = tokens.filter((t, i) => !(EARLY(t) && tokens[i - 1]?.word === 'при'));
  return (
    has(tokens, IS_DELIVERED) ||
    near(soon, EARLY, USE_PERIOD, 1) !== null ||
    // "в первую же рыбалку": whatever the occasion, «же» after an ordinal says it has happened.
    followedBy(soon, EARLY, w(/^же$/)) !== null
  );
}
/** "а если придёт со сколом?", "вдруг привезут не тот цвет": a question before buying. */
const HYPOTHETICAL = w(/^(если|вдруг|случае|бывает|будет|окажется|придет|придут|привезут|пришлют|if)$/);
const DAMAGED = w(
  /^(сломан\w*|сломал\w*|бракован\w*|брак|браком|разбит\w*|разбил\w*|поврежд\w*|скол|скола|сколом|сколы|сколами|царапин\w*|поцарапан\w*|трещин\w*|треснул\w*|вмятин\w*|помят\w*|мятый|мятая|порван\w*|порвал\w*|разорван\w*|порез\w*|прокол\w*|грыж\w*|вздут\w*|дыр\w*|пятн(?:о|а|ом|е|у|ами|ах|ышк\w*)|испачкан\w*|грязн\w*|отломан\w*|отломал\w*|отвалил\w*|оторван\w*|деформ\w*|некомплект\w*|бит(?:ый|ая|ое|ые|ых|ую|ой|ыми)|мокр\w*|намок\w*|промок\w*|отсырел\w*|вытек\w*|протек\w*|пролил\w*|разлил\w*|просроч\w*|испорчен\w*|протух\w*|тухл\w*|прокис\w*|плесен\w*|заплесневел\w*|лома(?:ется|ются)|трескается|трескаются|крошится|крошатся|облезает|облезла|отклеивается|отклеилось|поломал\w*|поломк\w*|треснут\w*|трещ\w*|расколол\w*|расколот\w*|царап\w*|вмят\w*|погнут\w*|погнул\w*|гнут\w*|кривой|кривая|кривое|кривые|криво|рван\w*|разорвал\w*|разошел\w*|разошл\w*|распол\w*|расползл\w*|лопнул\w*|лопнут\w*|дефект\w*|течет|текут|тек|текла|текло|потек\w*|подтек\w*|протеч\w*|течь|подтекает|вытека\w*|капает|травит|травят|спускает|спускают|сдувается|сдул(ся|ась|ось|ись)|пропускает|заглох\w*|глохнет|глюч\w*|зависа\w*|завис|заел\w*|заедает|перегорел\w*|сгорел\w*|горелым|дымит|задымил\w*|искрит|гудит|тарахтит|стучит|стучать|стучал\w*|скрипит|скрипеть|скрипят|залипа\w*|западает|западают|мерцает|мерцают|мигает|мигают|пищит|пищат|хрипит|хрипят|дребезжит|болтается|болтаются|шатается|шатаются|люфтит|люфт|вырубается|выключается|отключается|перегрева\w*|линя\w*|полинял\w*|выцвел\w*|сел[аи]?|садится|сели|катышк\w*|затяжк\w*|лезет|лезут|вылез\w*|торчит|торчат|отпал\w*|выпал\w*|выпадает|выпадают|вывалил\w*|вываливается|отлетел\w*|оторвал\w*|отошл[аои]|отходит|облез\w*|облупил\w*|ржав\w*|заржав\w*|окислил\w*|гнил\w*|сгнил\w*|завял\w*|вонял\w*|воняет|воняют|вонь|испортил\w*|неисправ\w*|засох\w*|засохл\w*|высох\w*|высохл\w*|пересох\w*|пересохл\w*|подделк\w*|поддельн\w*|паленк\w*|паленые|паленая|паленый|паленое|фейк\w*|faulty|defective|fake|counterfeit|leaks|leaking|stopped|dead)$/,
);
/** "не работает", "не включается", "не хватает": something missing or failing. */
const FAILS = w(
  /^(работает|работают|работал|работала|работало|работали|включается|включаются|включился|включилась|заряжается|заряжаются|заряжает|складывается|раскладывается|крутится|едет|закрывается|открывается|хватает|хватило|заводится|завелся|завелась|запускается|запустился|греет|нагревается|светит|светится|горит|ловит|видит|держит|застегивается|застегиваются|печатает|сушит|режет|пилит|сверлит|качает|тянет|морозит|охлаждает|греет|грузится|загружается|печатают|печатаются|выключается|выключаются|отключается|реагирует|показывает|слышно|звонит|подошел|подошла|подошло|подошли|подходит|подходят|налез\w*|влез\w*|соответствует|совпадает|works|working|charge|charges|start|starts)$/,
);
/** "Перестал работать", "перестала заряжаться": a failure whatever the verb. */
const STOPPED = w(/^(перестал|перестала|перестало|перестали|прекратил\w*)$/);
const NOT = w(/^(не|нет|not)$/);
const WRONG = w(/^(тот|та|то|те|того|той|ту|тех|такой|такая|такого|соответствует|совпадает)$/);
const OTHER = w(/^(другой|другого|другую|другая|другие|других|other|wrong)$/);
const ITEM_TRAIT = w(
  /^(цвет\w*|размер\w*|модел\w*|товар\w*|комплект\w*|оттен\w*|фасон\w*|colou?r|size|model|item)$/,
);

function notThe(tokens: Token[]): Span | null {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (NOT(tokens[i]!) && WRONG(tokens[i + 1]!)) return [i, i + 1];
  }
  return null;
}

/** What was ordered: "заказывал Makita, а привезли Bosch", "брала 46, а прислали 44". */
const ORDERED = w(
  /^(заказывал\w*|заказал|заказала|заказали|брал|брала|брали|выбирал\w*|выбрал\w*|оплачивал\w*|оплатил\w*|покупал\w*|купил\w*|просил\w*|ordered)$/,
);
/** Words after "а" that say when, not what: "заказал вчера, а привезли уже сегодня". */
const WHEN = w(
  /^(уже|сегодня|вчера|завтра|утром|вечером|днем|быстро|вовремя|рано|сразу|только|через|ночью|on|today)$/,
);

/** A verb's ending ("а не пойму", "а не могу"): "а не" then speaks of the buyer, not of the item. */
const VERB_LIKE = /(ть|ться|тся|л|ла|ли|ло|лся|лась|ешь|ете|ишь|ите|у|ю)$/;

/** "X, а привезли Y" / "пришёл чёрный, а не графит": what came is set against what was ordered. */
/** What follows a delivery verb that is not the item: "пришла в среду", "прислали трек". */
const NOT_THE_ITEM = w(
  /^(в|во|на|к|ко|до|по|домой|за|через|трек\w*|чек\w*|номер\w*|ссылк\w*|уведомлени\w*|смс|sms|код\w*|сообщени\w*|письм\w*)$/,
);
/** Ordering verbs alone ("оплатил" is followed by many things that are not the item). */
const ORDERED_ITEM = w(/^(заказывал\w*|заказал|заказала|заказали|брал|брала|брали|выбирал\w*|выбрал\w*)$/);
/** "в коробке сколько штук?", "в коробке что идёт?": what a package holds, asked. */
const ASKED_INSIDE: Pred = (t) => ASKS(t) || /^(что|есть|идет|идут)$/u.test(t.word);
/** "заказала платье, пришло отличное, спасибо": a delivery praised. */
const PLEASED = w(
  /^(спасибо|благодар\w*|отличн\w*|хорош\w*|супер|класс\w*|понравил\w*|довол(ен|ьна|ьны)|целое|целый|целая|целые|thanks?)$/,
);
const IN_ORDER = w(/^(заказ\w*|заказывал\w*|заказала|заказал|брал|брала|просил\w*|order\w*)$/);

function contrast(tokens: Token[]): Span | null {
  // "Заказывал синюю лодку, пришла серая": ordered a thing, then a delivery verb and another thing.
  const o = tokens.findIndex(ORDERED_ITEM);
  if (o >= 0 && !has(tokens, PLEASED)) {
    for (let d = o + 2; d + 1 < tokens.length; d++) {
      const after = tokens[d + 1]!;
      if (DELIVERED(tokens[d]!) && !WHEN(after) && !NOT_THE_ITEM(after) && !NOT(after)) return [o, d + 1];
    }
  }
  // "Заказывала Иргачефф, в пакете какая-то Бразилия": what was ordered, then what the package holds.
  if (o >= 0 && !has(tokens, PLEASED)) {
    for (let p = o + 2; p + 1 < tokens.length; p++) {
      const inside = tokens[p + 1]!;
      // «какая-то Бразилия» names what came; «какая там модель?» asks.
      const asked = ASKED_INSIDE(inside) && tokens[p + 2]?.word !== 'то';
      if (tokens[p - 1]?.word === 'в' && PACKED(tokens[p]!) && !NOT(inside) && !asked) return [o, p + 1];
    }
  }
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i]!.word !== 'а' && tokens[i]!.word !== 'but') continue;
    const next = tokens[i + 1]!;
    const ordered = tokens.slice(0, i).findIndex(ORDERED);
    // The thing ordered and the thing delivered are both named: "заказывал Makita, а привезли Bosch".
    if (ordered >= 0 && ordered + 1 < i && DELIVERED(next) && !WHEN(tokens[i + 2]!)) {
      return [ordered, i + 2];
    }
    // "он чёрный, а не графит": after a delivery, the item said to be one thing and not another.
    // "Прислали 2,1 м, а у меня в заказе 2,4": what was ordered said after what came.
    if (has(tokens.slice(0, i), DELIVERED) && has(tokens.slice(i + 1), IN_ORDER)) return [i, i + 1];
    const said = tokens[i + 2]!;
    if (NOT(next) && !VERB_LIKE.test(said.word) && !WHEN(said) && has(tokens.slice(0, i), DELIVERED)) {
      return [i, i + 2];
    }
  }
  return null;
}

function wrongItem(tokens: Token[]): Span | null {
  if (has(tokens, HYPOTHETICAL)) return null;
  const mixedUp = single(tokens, w(/^(перепутали|перепутал|перепутан\w*|mixed)$/));
  if (mixedUp) return mixedUp;
  const swapped = contrast(tokens);
  if (swapped) return swapped;
  if (!has(tokens, DELIVERED)) return null;
  return (
    notThe(tokens) ??
    near(tokens, OTHER, ITEM_TRAIT, 2) ??
    // "пришёл другой крем": "другой" right after the delivery verb is the item itself.
    near(tokens, DELIVERED, OTHER, 1) ??
    single(tokens, w(/^(вместо|instead)$/))
  );
}

/** What a leak leaves: a puddle, a flat or the neighbours flooded. */
const LEAKED = w(/^(луж(?:а|у|е|ей|и)|затопил\w*|затопило|затоплен\w*)$/);

/** Where a missing part was expected: "в коробке нет кабеля". */
const PACKED = w(/^(коробк\w*|комплект\w*|упаковк\w*|посылк\w*|набор\w*|пакет\w*|box|package)$/);
/** "нет вопросов", "нет претензий": nothing missing. */
const NOTHING_WRONG = w(/^(вопрос\w*|проблем\w*|претензи\w*|замечани\w*|нареканий)$/);

/** A delivery that came short: the verb says it was delivered. */
const SHORT_DELIVERY = w(
  /^(недовезли|недовез|недоложили|недоложил|недопоставили|недослали|недодали|недовложили|недовложение)$/,
);

/**
 * "без царапин", "не течёт", "ни одного скола", "дефектов нет": a defect said to be absent; "для мокрой
 * уборки", "защита от царапин": a defect named as what the item is for or against.
 */
const ABSENT_BEFORE = w(/^(без|нет|не|ни|никаких|никакого|для|от|против|no|not|without|for|against)$/);
const ABSENT_AFTER = w(/^(нет|не|никаких|none)$/);

/**
 * A colour or state turned, in the past: "пожелтела", "потемнел", "почернели", "помутнел", "заржавел" —
 * a defect of leaves, fabric, metal or cream alike. The future ("не пожелтеет?") asks before buying.
 */
const TURNED =
  /^(по|за)(желт|черн|красн|бел|син|зелен|темн|светл|мутн|рыж|ржав|сер|бур|коричнев|тускл|блекл|мерз|вял|гнил|ржав)\p{L}*(ел|ела|ело|ели|ла|ло|ли|л)$/u;
const IS_DEFECT: Pred = (t) => DAMAGED(t) || TURNED.test(t.word);

function defect(tokens: Token[]): Span | null {
  for (let i = 0; i < tokens.length; i++) {
    if (!IS_DEFECT(tokens[i]!)) continue;
    if (i > 0 && ABSENT_BEFORE(tokens[i - 1]!)) continue;
    if (i + 1 < tokens.length && ABSENT_AFTER(tokens[i + 1]!) && !FAILS(tokens[i + 2] ?? tokens[i]!))
      continue;
    return [i, i];
  }
  return single(tokens, STOPPED);
}

/**
 * The item failed by itself, in the past: "удочка сломалась", "палатка протекла", "мотор заглох". The
 * buyer's own doing ("порвал на коряге") is a question for a repair service, and so is a failure asked
 * about with a repair word ("сломалась, почините?").
 */
const FAILED_BY_ITSELF = w(
  /^(сломал(ся|ась|ось|ись)|треснул(а|о|и)?|лопнул(а|о|и)?|протек(ла|ло|ли)?|потек(ла|ло|ли)?|порвал(ся|ась|ось|ись)|разбил(ся|ась|ось|ись)|заглох(ла|ло|ли)?|перегорел(а|о|и)?|сгорел(а|о|и)?|отвалил(ся|ась|ось|ись)|выпал(а|о|и)?|вывалил(ся|ась|ось|ись)|отклеил(ся|ась|ось|ись)|оторвал(ся|ась|ось|ись)|разошел(ся)?|разошл(ась|ось|ись)|развалил(ся|ась|ось|ись)|погнул(ся|ась|ось|ись)|полинял(а|о|и)?|облез(ла|ло|ли)?|расползл(ась|ось|ись)|сдох(ла|ло|ли)?)$/,
);
const REPAIR = w(
  /^(чин\w*|почин\w*|ремонт\w*|отремонт\w*|заплат\w*|заклеит\w*|переклеит\w*|восстанов\w*|мастерск\w*|repair\w*|fix)$/,
);
/** "сколько стоит поменять?": a part's replacement priced, a question for the workshop ("замените!" is a demand). */
const PRICE_ASKED = w(/^(сколько|стоит|стоить|стоимость|цена|почем|price|cost)$/);
const REPLACE_ASKED = w(
  /^(поменять|поменяете|заменить|замените|замена|замену|вставить|вставите|прикрутить|прикрутите)$/,
);
/** "доставили без опозданий", "получил без проблем": nothing missing. */
const FINE_WITHOUT = w(
  /^(опоздан\w*|задерж\w*|проблем\w*|вопрос\w*|претензи\w*|замечани\w*|нарекани\w*|поврежден\w*|происшестви\w*|приключени\w*|косяк\w*)$/,
);

const FIRST_PERSON = w(/^(я|мы|i|we)$/);
const BUYERS_OWN = w(
  /^(понял\w*|нашел|нашла|нашли|увидел\w*|определил\w*|решил\w*|разобрал\w*|собрал\w*|успел\w*|смог\w*|удал\w*|получилось|сложилось|выбрал\w*|прочитал\w*|прочел|прочла|договорил\w*|сориентировал\w*)$/,
);
/** A past reflexive: "не прижился", "не включилась", "не завелось". */
const PAST_REFLEXIVE = /^\p{L}{3,}(лся|лась|лось|лись)$/u;

/**
 * What should have happened did not: "не прижился", "так и не проснулась", "так и не заработал". A past
 * reflexive after «не», or any verb after «так и не»; the future ("если не приживётся") is a question.
 */
function didNotHappen(tokens: Token[]): Span | null {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (!NOT(tokens[i]!)) continue;
    const verb = tokens[i + 1]!;
    // "я так и не понял", "не определилась с размером", "не получилось забрать": the buyer's own.
    if (BUYERS_OWN(verb) || tokens.slice(Math.max(0, i - 3), i).some(FIRST_PERSON)) continue;
    if (PAST_REFLEXIVE.test(verb.word)) return [i, i + 1];
    const soAnd = i >= 2 && tokens[i - 2]!.word === 'так' && tokens[i - 1]!.word === 'и';
    if (soAnd && /(л|ла|ло|ли)$/.test(verb.word)) return [i - 2, i + 1];
  }
  return null;
}

/**
 * A statement, not a question: no «?», no question word ("подскажите", "когда", "можно"; not "не как на
 * фото", which compares). Buyers write questions without «?» too, so a statement alone escalates nothing.
 */
function isStatement(text: string, tokens: Token[]): boolean {
  return (
    !text.includes('?') &&
    !tokens.some((t, i) => ASKS(t) && !(t.word === 'как' && i > 0 && NOT(tokens[i - 1]!)))
  );
}

function damaged(text: string, tokens: Token[]): Span | null {
  if (has(tokens, HYPOTHETICAL)) return null;
  const short = single(tokens, SHORT_DELIVERY);
  if (short) return short;
  if (!has(tokens, REPAIR) && !(has(tokens, REPLACE_ASKED) && has(tokens, PRICE_ASKED))) {
    const failed =
      single(tokens, FAILED_BY_ITSELF) ?? single(tokens, (t) => TURNED.test(t.word)) ?? didNotHappen(tokens);
    if (failed) return failed;
  }
  // "Курьер швырнул коробку, кольца погнуты": the carrier's doing is the delivery's. "Мотор гудит и
  // выключается", "ноут не заряжается вообще": a defect stated, not asked about, is the buyer's item's.
  const owned = hasItem(tokens) || isStatement(text, tokens);
  if (!owned && !has(tokens, DELIVERY_AGENT)) return null;
  const broken = defect(tokens);
  if (broken) return broken;
  // "Привезли лодку без насоса": a delivery that came without a part.
  if (has(tokens, DELIVERED)) {
    const at = tokens.findIndex(
      (t, i) =>
        t.word === 'без' &&
        tokens[i + 1] !== undefined &&
        !FINE_WITHOUT(tokens[i + 1]!) &&
        !DAMAGED(tokens[i + 1]!),
    );
    if (at >= 0) return [at, at + 1];
  }
  if (!owned) return null;
  // "Под машинкой лужа", "затопило соседей": a leak the buyer reports (never a puddle they ask about).
  const leak = single(tokens, LEAKED);
  if (leak) return leak;
  if (has(tokens, PACKED)) {
    const at = tokens.findIndex(
      (t, i) => t.word === 'нет' && tokens[i + 1] !== undefined && !NOTHING_WRONG(tokens[i + 1]!),
    );
    if (at >= 0) return [at, at + 1];
  }
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (NOT(tokens[i]!) && FAILS(tokens[i + 1]!)) return [i, i + 1];
  }
  return null;
}

// --- complaints: dissatisfaction with an order or with us --------------------------------------------
/** An order that has not come: "так и не пришёл", "до сих пор не доставили". */
const CAME = w(
  /^(пришел|пришла|пришло|пришли|привезли|привез|доставили|доставлен\w*|приехал\w*|прислали|отправили|отправлен\w*|получил|получила|получили|arrived|delivered|received)$/,
);
const ORDER = w(/^(заказ\w*|посылк\w*|покупк\w*|товар\w*|доставк\w*|order|parcel)$/);
const ORDER_OR_MONEY: Pred = (t) => ORDER(t) || MONEY(t);
const WAITING = w(/^(жду|ждем|ждал|ждала|ждали|ожидаю|ожидаем|waiting)$/);
const LONG = w(/^(недел\w*|месяц\w*|дня|дней|сутк\w*|час\w*|сих|долго|weeks?|days?)$/);
/** Selling junk: "продаёте брак", "подсунули подделку". */
const SOLD = w(/^(продаете|продают|продали|продал|продала|подсовываете|торгуете)$/);
const JUNK = w(
  /^(брак|браком|бракованн\w*|хлам|барахл\w*|подделк\w*|подделки|фуфл\w*|мусор|паленк\w*|junk|fakes?)$/,
);

/** "Курьер опоздал", "водитель не позвонил": the carrier's failing, in the past. */
const CARRIER_FAILED = w(
  /^(опоздал\w*|задержал(ся|ась|и)|позвонил|приехал|предупредил|дозвонил\w*|перезвонил)$/,
);

function notCome(tokens: Token[]): Span | null {
  if (has(tokens, HYPOTHETICAL)) return null;
  const agent = tokens.findIndex(DELIVERY_AGENT);
  if (agent >= 0) {
    for (let i = agent + 1; i < Math.min(tokens.length, agent + 6); i++) {
      const t = tokens[i]!;
      const late = /^опоздал|^задержал/.test(t.word);
      if (CARRIER_FAILED(t) && (late || NOT(tokens[i - 1]!))) return [agent, i];
    }
  }
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (NOT(tokens[i]!) && CAME(tokens[i + 1]!)) return [i, i + 1];
  }
  return (
    (has(tokens, w(/^(где|where)$/)) ? near(tokens, w(/^(мой|моя|мое|мои|my)$/), ORDER_OR_MONEY, 1) : null) ??
    near(tokens, WAITING, LONG, 3, w(/^(звонк\w*|ответ\w*|call)$/))
  );
}

/** Words that make a message a question even without «?»: "подскажите, чем подкормить". */
const ASKS = w(
  /^(подскаж\w*|скаж\w*|посовет\w*|как|какой|какая|какое|какие|каким|сколько|скок|когда|где|куда|откуда|почему|зачем|можно|ли|чем|кто|нужно|надо|нужен|нужна|интересует|what|how|when|where|why|can)$/,
);
/** "всё в порядке", "норм", "нет вопросов": a report that nothing is wrong. */
const ALL_WELL = w(/^(порядке|норм|нормально|ок|ok|окей|вопросов|проблем|претензий|замечаний)$/);
/** "хочу ещё два", "закажу повторно": buying again is a question of stock and price, not a report. */
const AGAIN = w(/^(еще|закажу|возьму|заберу|докуплю|докупить|повторить|повторно|again|more)$/);

/**
 * A statement, not a question, once the buyer has the item: "Привезли саженец с сухими ветками",
 * "Заказывала Блюкроп, а на бирке Патриот". Whatever the trade's words for what went wrong, a buyer who
 * writes about a bought item without asking anything and without thanks needs the owner. A question mark,
 * a question word or thanks keep it with the answerer.
 */
function reportAfterPurchase(text: string, tokens: Token[]): Span | null {
  if (!isStatement(text, tokens) || tokens.length < 4) return null;
  if ([PLEASED, ALL_WELL, AGAIN, HYPOTHETICAL].some((p) => has(tokens, p))) return null;
  const at = tokens.findIndex((t) => DELIVERED(t) || OWNED(t) || ORDERED_ITEM(t));
  return at < 0 ? null : [0, tokens.length - 1];
}

/** A promise not kept: "курьер обещал сегодня, уже девять вечера и никого". */
const STILL_NOT = w(/^(никого|нет|не|уже|сих|так|до)$/);

function complaint(text: string, tokens: Token[]): Span | null {
  return (
    single(
      tokens,
      w(
        /^(жалоб\w*|претензи\w*|недовол\w*|обманул\w*|обман|развели|кошмар\w*|ужасн\w*|отвратительн\w*|безобрази\w*|хамств\w*|нахамил\w*|нагруб\w*|грубил\w*|хамил\w*|хамят|хамк\w*|разочарован\w*|обсчитал\w*|подсунул\w*|впарил\w*|втюхал\w*|complaint|terrible|awful|rude)$/,
      ),
    ) ??
    near(tokens, SOLD, JUNK, 2) ??
    followedBy(tokens, NOT, w(/^(отвечаете|ответили|перезвонили|перезвонил)$/)) ??
    notCome(tokens) ??
    damaged(text, tokens) ??
    (isStatement(text, tokens) && has(tokens, STILL_NOT)
      ? near(tokens, DELIVERY_AGENT, w(/^(обещал\w*|обещани\w*)$/), 3)
      : null) ??
    reportAfterPurchase(text, tokens)
  );
}

/** Owner keywords: every word of the keyword, by stem, consecutively in the message. */
function keyword(tokens: Token[], keywords: readonly string[]): Span | null {
  for (const k of keywords) {
    const stems = tokenize(k).map((t) => t.stem);
    if (stems.length === 0) continue;
    for (let i = 0; i + stems.length <= tokens.length; i++) {
      if (stems.every((s, j) => tokens[i + j]!.stem === s)) return [i, i + stems.length - 1];
    }
  }
  return null;
}

/**
 * Decides whether buyer messages must go to the owner before any retrieval. Morphology-aware (word
 * forms and stems, not exact phrases) and context-aware: a noun alone ("менеджер по доставке сказал…",
 * "человек на фото — это вы?") is not a request, and a question about the return policy is not a demand.
 * A call request is a lead ("перезвоните", a phone number left, a messenger or e-mail); "курьер позвонит?"
 * is not. A defect or a mismatch is escalated once the buyer has the item (delivered, bought, ordered or in
 * use: "купил у вас", "после первой стирки"), and so is an order that has not come; "а если придёт со
 * сколом?" asks before buying and is not, nor is a defect said to be absent ("без царапин").
 * Checked in order: threat, refund, human request, callback, bargaining, wrong item, complaint, owner
 * keyword.
 */
export function detectEscalation(
  texts: readonly string[],
  options: EscalationOptions = {},
): Escalation | null {
  for (const text of texts) {
    const tokens = tokenize(text);
    const checks: Array<[EscalationReason, () => Span | null]> = [
      ['threat', () => threat(tokens)],
      ['refund', () => refund(tokens)],
      ['human_request', () => humanRequest(tokens)],
      ['callback', () => callback(text, tokens)],
      ['bargaining', () => bargaining(text, tokens, options.listingPrice)],
      ['wrong_item', () => wrongItem(tokens)],
      ['complaint', () => complaint(text, tokens)],
      ['keyword', () => keyword(tokens, options.keywords ?? [])],
    ];
    for (const [reason, check] of checks) {
      const span = check();
      if (span) return { reason, matched: text.slice(tokens[span[0]]!.start, tokens[span[1]]!.end) };
    }
  }
  return null;
}
