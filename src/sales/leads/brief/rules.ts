import type { LocalDate } from '../../../lib/zoned-time.js';
import { findWordNumbers } from '../../../rag/text/number-words.js';
import { findDates, isoDate } from './dates.js';
import type { BriefExtractor, ExtractedValue } from './extractor.js';
import type { BriefRule } from './fields.js';
import type { BriefValue } from './values.js';

/**
 * The brief without a model: patterns a Russian buyer writes, each read only when it is unmistakable.
 * - quantity: «2 шт», «3 стула», «два кресла», «в количестве 5», «2,5 м²»;
 * - deadline: «к пятнице», «до 15 мая», «к 15.05», «через неделю», «послезавтра» (see dates.ts);
 * - budget: «до 50 тысяч», «бюджет 30к», «не дороже 25 000 ₽», «бюджет 40000»;
 * - address: «доставка в/на …», «адрес: …», «по адресу …», up to the end of the sentence or a contact;
 * - need: «нужен/нужна …», «хочу заказать …», «интересует …», «ищу …».
 * Anything else is left for the model or the owner.
 */

interface Hit {
  value: BriefValue;
  start: number;
  end: number;
}

const NOT_BEFORE = String.raw`(?<![\p{L}\p{N}])`;
const NOT_AFTER = String.raw`(?![\p{L}\p{N}])`;

// Quantity ----------------------------------------------------------------------------------------------

const UNIT = String.raw`(?:шт(?:\.|ук[аи]?)?|штуки|ед\.|единиц[аы]?|комплект(?:а|ов)?|компл\.|набор(?:а|ов)?|пар[аыу]?|м²|м2|кв\.?\s?м\.?|пог\.?\s?м\.?)`;
const NUMBER = String.raw`(\d{1,5}(?:[.,]\d{1,3})?)`;
const QTY_UNIT = new RegExp(String.raw`${NOT_BEFORE}${NUMBER}\s*${UNIT}(?![\p{L}])`, 'giu');
const QTY_LABELED = new RegExp(
  String.raw`${NOT_BEFORE}(?:в\s+количестве|количеств[оа]\s*[:\-—]?|кол-во\s*[:\-—]?)\s*${NUMBER}${NOT_AFTER}`,
  'giu',
);
// Not inside a date, a decimal or a range («15.05 успеете», «2,5 метра», «3-4 дня»).
const QTY_NOUN = new RegExp(String.raw`(?<![\p{L}\p{N}.,:/\-])(\d{1,4})\s+([а-яё]{3,})`, 'giu');
/** Nouns after a number that count time, money, size, people or places: no quantity of goods. */
const NOT_GOODS =
  /^(?:дн|день|дня|недел|месяц|мес|год|лет|час|минут|секунд|раз|этаж|тыс|тыщ|руб|рубл|копе|процент|сантиметр|миллиметр|метр|килограм|грамм|литр|человек|персон|мест|числ|январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр|сот|млн|миллион|вольт|ватт|градус|дюйм|звезд|отзыв|фото|сообщен|объявлен|вариант|цвет|размер|позици|слоя|слой|ступен|вечер|утр|ноч)/u;
const NOT_BEFORE_COUNT = /(?:^|[^\p{L}])(?:до|к|ко|через|на|в|во|с|со|от|по|за|после|около|№|номер)\s*$/iu;

function decimal(text: string): number {
  return Number(text.replace(',', '.'));
}

function findQuantity(text: string): Hit | null {
  const hits: Hit[] = [];
  for (const m of text.matchAll(QTY_UNIT))
    hits.push({ value: decimal(m[1]!), start: m.index, end: m.index + m[0].length });
  for (const m of text.matchAll(QTY_LABELED))
    hits.push({ value: decimal(m[1]!), start: m.index, end: m.index + m[0].length });
  for (const m of text.matchAll(QTY_NOUN)) {
    if (NOT_GOODS.test(m[2]!.toLowerCase()) || NOT_BEFORE_COUNT.test(text.slice(0, m.index))) continue;
    hits.push({ value: Number(m[1]), start: m.index, end: m.index + m[0].length });
  }
  for (const n of findWordNumbers(text)) {
    const after = /^\s+([а-яё]{3,}\.?)/iu.exec(text.slice(n.end));
    if (!after || n.value < 1 || !Number.isInteger(n.value)) continue;
    const word = after[1]!.toLowerCase();
    const isUnit = new RegExp(`^${UNIT}$`, 'iu').test(word);
    if (!isUnit && (NOT_GOODS.test(word) || NOT_BEFORE_COUNT.test(text.slice(0, n.start)))) continue;
    hits.push({ value: n.value, start: n.start, end: n.end + after[0].length });
  }
  const valid = hits.filter((h) => Number(h.value) > 0 && Number(h.value) <= 100_000);
  return valid.sort((a, b) => a.start - b.start)[0] ?? null;
}

// Budget ------------------------------------------------------------------------------------------------

const MULTIPLIER = String.raw`(тыс(?:\.|яч[а-яё]*)?|тыщ[а-яё]*|т\.?\s?р\.?|к|k|млн\.?|миллион[а-яё]*)`;
const CURRENCY = String.raw`(₽|руб(?:\.|л[а-яё]*)?|р\.|р(?![\p{L}])|rub)`;
const BUDGET_CUE = String.raw`(бюджет[а-яё]*(?:\s*[:\-—])?(?:\s+(?:до|около|примерно|в\s+пределах))?|не\s+дороже|не\s+больше|не\s+более|в\s+пределах|максимум|макс\.?|до|рассчитыва[а-яё]+\s+на|готов[аы]?\s+(?:заплатить|потратить|отдать)(?:\s+до)?)`;
const BUDGET = new RegExp(
  String.raw`${NOT_BEFORE}${BUDGET_CUE}\s*(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[.,](\d{1,2}))?(?:\s*${MULTIPLIER}(?![\p{L}]))?(?:\s*${CURRENCY})?`,
  'giu',
);
const BUDGET_CUE_END = new RegExp(String.raw`${NOT_BEFORE}${BUDGET_CUE}\s*$`, 'iu');
const CURRENCY_START = new RegExp(String.raw`^\s*${CURRENCY}`, 'iu');

function factorOf(multiplier: string | undefined): number {
  if (!multiplier) return 1;
  const w = multiplier.toLowerCase();
  return w.startsWith('м') ? 1_000_000 : 1000;
}

function findBudget(text: string): Hit | null {
  const hits: Hit[] = [];
  for (const m of text.matchAll(BUDGET)) {
    const [, cue, whole, fraction, multiplier, currency] = m;
    const rubles = Number(whole!.replace(/[ \u00a0]/g, ''));
    const byWord = /^бюджет/iu.test(cue!);
    // «до 15» alone is a date or a count; an amount needs its scale, its currency, or the word «бюджет».
    if (!multiplier && !currency && !(byWord && rubles >= 1000)) continue;
    const kopecks = multiplier
      ? Math.round(
          rubles * factorOf(multiplier) * 100 +
            Number((fraction ?? '').padEnd(2, '0')) * factorOf(multiplier),
        )
      : rubles * 100 + Number((fraction ?? '').padEnd(2, '0'));
    hits.push({ value: kopecks, start: m.index, end: m.index + m[0].length });
  }
  for (const n of findWordNumbers(text)) {
    const cue = BUDGET_CUE_END.exec(text.slice(0, n.start));
    const currency = CURRENCY_START.exec(text.slice(n.end));
    if (!cue || (n.value < 1000 && !currency)) continue;
    hits.push({
      value: Math.round(n.value * 100),
      start: cue.index,
      end: n.end + (currency ? currency[0].length : 0),
    });
  }
  const valid = hits.filter((h) => Number(h.value) > 0 && Number.isSafeInteger(h.value));
  return valid.sort((a, b) => a.start - b.start)[0] ?? null;
}

// Deadline ----------------------------------------------------------------------------------------------

function findDeadline(text: string, today: LocalDate): Hit | null {
  const found = findDates(text, today).find((d) => d.deadline && isoDate(d.date) >= isoDate(today));
  return found ? { value: isoDate(found.date), start: found.start, end: found.end } : null;
}

// Address -----------------------------------------------------------------------------------------------

const ADDRESS_CUE =
  /(?<![\p{L}])(?:(?:доставк[а-яё]*|доставить|доставьте|привезти|привезите|отвезти|везти)\s+(?:нужн[оа]\s+|надо\s+)?(?:в|во|на|по\s+адресу)\s+|(?:мой|наш)\s+адрес\s*[:\-—]?\s*|адрес\s+доставки\s*[:\-—]?\s*|адрес\s*[:\-—]\s*|по\s+адресу\s*[:\-—]?\s*)/giu;
/** Words after «доставка в/на» that say when or how, not where. */
const NOT_PLACE =
  /^(?:понедельник|вторник|сред|четверг|пятниц|суббот|воскресень|выходн|течени|ближайш|сегодня|завтра|послезавтра|недел|месяц|утр|вечер|день|дом(?![\p{L}])|\d{1,2}[:.]\d{2}|\d{1,2}\s+(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)|сколько|какой|какую|как|когда)/iu;
/** Abbreviations of addresses that end with a dot: «ул.», «д.», «кв.»… */
const ADDRESS_ABBREVIATION =
  /(?:^|[^\p{L}])(?:ул|д|дом|кв|г|гор|пр|просп|пр-т|корп|к|стр|обл|пос|мкр|пер|наб|ш|б-р|р-н|с|дер|п|пгт|эт|под|оф|пом|вл|влад|тер|снт)$/iu;
const ADDRESS_STOP =
  /[!?\n;]|(?:,\s*|\s+)(?:тел|телефон|номер|почта|e-?mail|звоните|пишите|спасибо|whatsapp|ватсап)|\+7|@/iu;

function findAddress(text: string): Hit | null {
  for (const m of text.matchAll(ADDRESS_CUE)) {
    const from = m.index + m[0].length;
    const rest = text.slice(from);
    let end = rest.search(ADDRESS_STOP);
    if (end < 0) end = rest.length;
    // A dot ends the address unless it ends an abbreviation («ул. Ленина, д. 5»).
    for (let i = 0; i < end; i++) {
      if (rest[i] === '.' && !ADDRESS_ABBREVIATION.test(rest.slice(0, i))) {
        end = i;
        break;
      }
    }
    if (/^[^.!;\n]*\?/.test(text.slice(from + end))) continue;
    const value = rest
      .slice(0, end)
      .replace(/[\s,:;—-]+$/u, '')
      .trim();
    if (value.length < 3 || !/\p{L}{2,}/u.test(value) || NOT_PLACE.test(value) || value.length > 200)
      continue;
    return { value, start: m.index, end: from + value.length };
  }
  return null;
}

// Need --------------------------------------------------------------------------------------------------

const NEED =
  /(?<![\p{L}])(?:нуж(?:ен|на|но|ны)|требу(?:ется|ются)|интересу(?:ет|ют)|ищу|ищем|хочу|хотим|хотел[аи]?(?:\s+бы)?|планиру(?:ю|ем))\s+((?:(?:купить|заказать|приобрести|сделать|изготовить|поставить|заменить|установить|бы)\s+)*)((?:[^.!?\n;,]|(?<=\d)[.,](?=\d)){2,150})/giu;
const NOT_NEED =
  /^(?:ли|узнать|уточнить|спросить|цен[ауы]|стоимост|наличи|информаци|подробн|доставк|скидк|к|ко|до|в|во|на|через|за|по|с|со|от|когда|сколько|как|где|что|чтобы|ваш|вас|у|это|так|чтоб|бы)(?![\p{L}])/iu;
const INFINITIVE = /^[а-яё]+(?:ть|ти|чь|ться|тись)(?![\p{L}])/iu;

function findNeed(text: string): Hit | null {
  for (const m of text.matchAll(NEED)) {
    const value = m[2]!.trim();
    if (NOT_NEED.test(value) || INFINITIVE.test(value) || !/\p{L}{3,}/u.test(value)) continue;
    const start = m.index + m[0].length - m[2]!.length;
    return { value, start: m.index, end: start + m[2]!.trimEnd().length };
  }
  return null;
}

const FINDERS: Record<BriefRule, (text: string, today: LocalDate) => Hit | null> = {
  quantity: findQuantity,
  budget: findBudget,
  deadline: findDeadline,
  address: findAddress,
  need: findNeed,
};

/** What `rule` reads in `text`, with the span of the words it read it from; null when nothing is certain. */
export function findByRule(rule: BriefRule, text: string, today: LocalDate): Hit | null {
  return FINDERS[rule](text, today);
}

/** The brief extractor without a model. */
export function createRuleBriefExtractor(): BriefExtractor {
  return {
    kind: 'rules',
    async extract(input) {
      const out: ExtractedValue[] = [];
      for (const message of input.messages) {
        for (const field of input.fields) {
          // What is needed is said once, at the start; later «нужен ещё …» adds to it, not replaces it.
          if (!field.rule || (field.rule === 'need' && input.current[field.id])) continue;
          const hit = findByRule(field.rule, message.text, input.today);
          if (!hit) continue;
          out.push({
            field: field.id,
            value: hit.value,
            messageId: message.id,
            quote: message.text.slice(hit.start, hit.end).trim(),
          });
        }
      }
      return out;
    },
  };
}
