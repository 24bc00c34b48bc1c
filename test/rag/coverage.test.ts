import { describe, expect, it } from 'vitest';
import type { ListingFacts } from '../../src/models/records.js';
import {
  askedIn,
  coverIn,
  listingMayAnswer,
  type Passage,
  type Unanswered,
  whyUnanswered,
} from '../../src/rag/coverage.js';
import { parseGeneration } from '../../src/rag/gemini/generate.js';
import { listingDocumentText, readListingDocument } from '../../src/rag/listing-document.js';

const BIKE = {
  id: '77',
  title: 'Велосипед Stels Navigator 700, рама 19"',
  price: 18500,
  url: 'https://www.avito.ru/perm/velosipedy/stels_77',
  status: 'active',
  category: 'Велосипеды',
  address: 'Пермь, Комсомольский проспект, 40',
  syncedAt: new Date('2026-02-01T09:00:00Z'),
};
const card: Passage = { text: listingDocumentText(BIKE), listingDocument: true };
const facts: ListingFacts = { title: BIKE.title, price: '18 500 ₽', url: BIKE.url };
const sellerDoc: Passage = {
  text: 'Велосипед обслужен в мастерской: новая цепь и тормозные колодки. Вес велосипеда 15 кг.',
  listingDocument: false,
};
const warrantyDoc: Passage = {
  text: 'Гарантия на велосипеды — 6 месяцев. Гарантия не распространяется на износ покрышек.',
  listingDocument: false,
};

const check = (question: string, answer: string, evidence: Passage[], listing: ListingFacts | null = facts) =>
  whyUnanswered({ questions: [question], answer, evidence, retrieved: evidence, listing });

describe('whether a stage answered (whyUnanswered)', () => {
  it.each<[string, string, Unanswered | null, Passage[]]>([
    // The model said it cannot answer.
    ['Какая гарантия на велосипед?', '[[NO_ANSWER]]', 'no_answer', [card]],
    ['Какая гарантия на велосипед?', 'Извините, [[ NO ANSWER ]].', 'no_answer', [card]],
    ['Какая гарантия на велосипед?', '', 'no_answer', [sellerDoc]],
    // Only the listing's own facts behind the answer, the question about something else.
    [
      'Какая гарантия на велосипед?',
      'Объявление: Велосипед Stels Navigator 700 Категория: Велосипеды',
      'restates_listing',
      [card],
    ],
    [
      'Сколько стоит доставка велосипеда?',
      `Велосипед Stels Navigator 700 стоит 18 500 ₽.`,
      'restates_listing',
      [card],
    ],
    ['Какая гарантия на велосипед?', 'В объявлении гарантия не указана.', 'restates_listing', [card]],
    // A field's label said is not its value.
    ['Какая цена у велосипеда?', 'Цена велосипеда указана в объявлении.', 'restates_listing', [card]],
    [
      'Где можно посмотреть велосипед?',
      'Объявление: Велосипед Stels Navigator 700, рама 19"',
      'restates_listing',
      [card],
    ],
    // … and about a field the listing holds, restated.
    ['Сколько стоит велосипед?', 'Цена: 18 500 ₽', null, [card]],
    ['Какая цена?', 'Велосипед стоит 18500 ₽.', null, [card]],
    ['Где можно посмотреть велосипед?', 'Адрес: Пермь, Комсомольский проспект, 40', null, [card]],
    ['Велосипед ещё продаётся?', 'Да, статус объявления: активно.', null, [card]],
    // The seller's documents: a key term must appear in the answer or the passage it rests on.
    [
      'Какая гарантия на велосипед?',
      'Велосипед обслужен в мастерской: новая цепь.',
      'off_topic',
      [sellerDoc],
    ],
    ['Какой вес велосипеда?', 'Вес велосипеда 15 кг.', null, [sellerDoc]],
    ['Цепь меняли?', 'Велосипед обслужен в мастерской: новая цепь и тормозные колодки.', null, [sellerDoc]],
    ['Гарантийный срок какой?', 'Гарантия на велосипеды — 6 месяцев.', null, [warrantyDoc]],
    ['Какая гарантия на велосипед?', 'Гарантия на велосипеды — 6 месяцев.', null, [card, warrantyDoc]],
    // Nothing left to judge by once the words naming the item are set aside.
    ['А велосипед Stels?', 'Велосипед обслужен в мастерской.', null, [sellerDoc]],
  ])('when «%s» gets «%s», then the verdict is %s', (question, answer, verdict, evidence) => {
    expect(check(question, answer, evidence)).toBe(verdict);
  });

  it('when there are several messages, then addressing one is enough and chatter does not count against it', () => {
    const several = (questions: string[], answer: string, evidence: Passage[]) =>
      whyUnanswered({ questions, answer, evidence, retrieved: evidence, listing: facts });
    const warranty = 'Гарантия на велосипеды — 6 месяцев.';
    expect(several(['Хорошо, понял.', 'А гарантия какая?'], warranty, [warrantyDoc])).toBeNull();
    expect(several(['Какой вес?', 'А гарантия какая?'], warranty, [warrantyDoc])).toBeNull();
    expect(several(['Какой вес?', 'Цепь новая?'], warranty, [warrantyDoc])).toBe('off_topic');
    expect(several(['Хорошо', 'Доставка есть?'], 'Цена: 18 500 ₽', [card])).toBe('restates_listing');
  });

  it('when the category names the item, then it is not a key term either', () => {
    // «велосипеды» is the card's category; the title says «Велосипед» too, so use a category-only word.
    const bikeCard = {
      text: listingDocumentText({ ...BIKE, category: 'Горные байки' }),
      listingDocument: true,
    };
    expect(
      whyUnanswered({
        questions: ['Какая гарантия на горный байк?'],
        answer: 'Гарантия на велосипеды — 6 месяцев.',
        evidence: [warrantyDoc],
        retrieved: [bikeCard, warrantyDoc],
        listing: facts,
      }),
    ).toBeNull();
  });
});

describe('listing document fields', () => {
  it('when a listing document is read back, then every labelled field comes back', () => {
    expect(readListingDocument(listingDocumentText(BIKE))).toEqual({
      title: BIKE.title,
      price: '18 500 ₽',
      url: BIKE.url,
      category: 'Велосипеды',
      status: 'активно',
      address: BIKE.address,
    });
  });
});

describe('grounding supports', () => {
  it('when supports cite chunks, then their positions map past chunks without a retrieved context', () => {
    const chunk = (title: string) => ({ retrievedContext: { title, text: title } });
    const parsed = parseGeneration(
      {
        candidates: [
          {
            content: { parts: [{ text: 'Ответ.' }] },
            groundingMetadata: {
              groundingChunks: [{ web: { uri: 'x' } }, chunk('a'), chunk('b'), chunk('c')],
              groundingSupports: [
                { segment: { startIndex: 0, endIndex: 6 }, groundingChunkIndices: [3, 1] },
                { segment: { startIndex: 0, endIndex: 6 }, groundingChunkIndices: [0, 3, 9] },
              ],
            },
          },
        ],
      },
      'gemini-2.5-flash',
    );
    expect(parsed.chunks.map((c) => c.title)).toEqual(['a', 'b', 'c']);
    expect(parsed.supportedChunks).toEqual([0, 2]);
  });
});

const DELIVERY = {
  title: 'Доставка и самовывоз',
  text: [
    '# Доставка и самовывоз',
    '',
    'По Казани доставляем курьером на следующий день. Стоимость доставки по городу — 400 рублей.',
    'Подъём на этаж без лифта — 150 ₽ за этаж.',
    '',
    'В другие города отправляем СДЭКом, срок 3–7 дней.',
    '',
    'Забрать заказ можно в пункте выдачи: улица Баумана, 15.',
    'Пункт работает с 10 до 20, в субботу — с 11 до 17.',
  ].join('\n'),
};
const TABLE = {
  title: 'Стол письменный',
  text: 'Стол письменный из массива дуба, столешница 120 × 60 см. Ящики выдвижные, на доводчиках.',
};
const CARE = {
  title: 'Сборка и уход',
  text: [
    'Поможем подобрать цвет под интерьер.',
    'Стол собирается за 15 минут, ключ в комплекте.',
    'Если ножка сломалась, пришлите фото — заменим.',
    'Столешница выдерживает до 50 кг.',
    'Грузчик поднимает мебель на этаж бесплатно.',
    'Принимаем вещи на сезонное хранение.',
    'Стол продаётся в заводской упаковке.',
    'Лежанка для кошек и собак малых пород.',
  ].join(' '),
};
const PAYMENT = {
  title: 'Оплата',
  text: 'Оплата наличными или картой при получении. Рассрочку на 6 месяцев оформляем в магазине.',
};

/** The sentences that answer the question in the passage, or null when none does. */
const answerIn = (question: string, passage: { title: string; text: string }, naming: string[] = []) => {
  const asks = askedIn([question], naming);
  if (asks.length !== 1) throw new Error(`expected one ask in «${question}», got ${asks.length}`);
  return (
    coverIn(asks[0]!, passage)
      ?.sentences.map((s) => s.text)
      .join(' ') ?? null
  );
};

describe('what a question asks (askedIn)', () => {
  const terms = (question: string, naming: string[] = []) =>
    askedIn([question], naming).map((a) =>
      a.terms
        .filter((t) => !t.naming)
        .map((t) => `${t.token.word}${t.weak ? '?' : ''}${t.condition ? '|if' : ''}`),
    );

  it('when a question has question words, greetings and the listing name, then only the key terms are left', () => {
    expect(
      terms('Здравствуйте! Подскажите, пожалуйста, какая гарантия на ноутбук?', ['Ноутбук Lenovo T14']),
    ).toEqual([['гарантия']]);
    expect(terms('Хорошо, спасибо. Жду.')).toEqual([]);
  });

  it('when a buyer writes everyday chat forms, then they are read as the words they stand for', () => {
    expect(terms('Если щас закажу, седня привезете?')).toEqual([
      ['сейчас?|if', 'закажу?|if', 'сегодня?', 'привезете'],
    ]);
    expect(terms('Гарантия на бушный есть?')).toEqual([['гарантия', 'бывший', 'употреблении']]);
    expect(terms('А пока ремонт, подменный плиз')).toEqual([['ремонт', 'подменный']]);
  });

  it('when words only frame the question, then they are weak; alternatives and conditions are marked', () => {
    expect(terms('Крылья в комплекте идут?')).toEqual([['крылья', 'комплекте?', 'идут?']]);
    expect(terms('Можно обменять, если не подойдёт по размеру?')).toEqual([
      ['обменять?', 'подойдет?|if', 'размеру|if'],
    ]);
    const [or] = askedIn(['Тормоза дисковые или ободные?'], []);
    expect(or!.terms.filter((t) => t.either === 0).map((t) => t.token.word)).toEqual(['дисковые', 'ободные']);
  });

  it('when a bare price question follows another, then it asks about that one', () => {
    expect(terms('Подключите машинку? Сколько стоит?')).toEqual([['подключите', 'машинку', 'стоит']]);
    expect(terms('Доставка есть? А рассрочка?')).toEqual([['доставка'], ['рассрочка']]);
  });

  it('when a buyer writes a short form, then it is read spelt out', () => {
    expect(terms('Счёт для юрлица выставите?')).toEqual([['счет', 'юридическое', 'лицо', 'выставите']]);
  });

  it('when a buyer asks which or how much of a word in the title, then that word is asked; naming it alone asks nothing', () => {
    const tent = ['Палатка Tramp Lite 3-местная, вес 3,2 кг'];
    expect(terms('Вес какой?', tent)).toEqual([['вес']]);
    expect(terms('А вес у палатки сколько?', tent)).toEqual([['вес', 'палатки']]);
    expect(terms('Палатка Tramp Lite?', tent)).toEqual([]);
  });

  it('when a question opens the message and a told reason follows the comma, then the reason only frames it', () => {
    expect(terms('Какая ёмкость аккумулятора, работаю весь день на выезде')).toEqual([
      ['емкость', 'аккумулятора', 'работаю?', 'выезде?'],
    ]);
    // What follows asks too: it stays asked.
    expect(terms('Какая ёмкость аккумулятора, зарядку положите')).toEqual([
      ['емкость', 'аккумулятора', 'зарядку', 'положите'],
    ]);
    expect(terms('Какая ёмкость аккумулятора, гарантия сколько')).toEqual([
      ['емкость', 'аккумулятора', 'гарантия'],
    ]);
  });
});

describe('whether the listing facts alone may answer (listingMayAnswer)', () => {
  it.each<[string, boolean]>([
    // Asked what the facts hold (a field, or a word of them): a model may answer from them.
    ['Сколько стоит велосипед?', true],
    ['Где можно посмотреть велосипед?', true],
    ['Рама какая?', true],
    // Messages without key terms cannot be judged: the stage is asked.
    ['Хорошо, жду', true],
    // Asked about something the facts do not hold: any answer from them is refused, so no model is asked.
    ['Какая гарантия на велосипед?', false],
    ['Сколько стоит доставка велосипеда?', false],
  ])('when asked «%s», then %s', (question, may) => {
    expect(listingMayAnswer([question], facts, [card])).toBe(may);
    // The same verdict whyUnanswered gives a model's answer that only restates the facts.
    if (!may)
      expect(check(question, 'Велосипед Stels Navigator 700 стоит 18 500 ₽.', [card])).toBe(
        'restates_listing',
      );
  });

  it('when the listing has no documents, then its facts alone decide', () => {
    expect(listingMayAnswer(['Сколько стоит велосипед?'], facts, [])).toBe(true);
    expect(listingMayAnswer(['Доставка есть?'], facts, [])).toBe(false);
    expect(listingMayAnswer(['Доставка есть?'], null, [])).toBe(false);
  });
});

describe('whether a passage covers a question (coverIn)', () => {
  it.each<[string, { title: string; text: string }, string]>([
    // The buyer's words are not the document's.
    // «по городу» is the shop's own city: the sentence before, naming it, is quoted along.
    [
      'Сколько стоит доставка по Казани?',
      DELIVERY,
      'По Казани доставляем курьером на следующий день. Стоимость доставки по городу — 400 рублей.',
    ],
    ['Привезёте завтра?', DELIVERY, 'По Казани доставляем курьером на следующий день.'],
    ['Отправляете в Пермь?', DELIVERY, 'В другие города отправляем СДЭКом, срок 3–7 дней.'],
    ['Поднимете на 7 этаж?', DELIVERY, 'Подъём на этаж без лифта — 150 ₽ за этаж.'],
    ['Можно в кредит?', PAYMENT, 'Рассрочку на 6 месяцев оформляем в магазине.'],
    ['Какой размер столешницы?', TABLE, 'Стол письменный из массива дуба, столешница 120 × 60 см.'],
    ['Из какого дерева?', TABLE, 'Стол письменный из массива дуба, столешница 120 × 60 см.'],
    ['Возите по Казани?', DELIVERY, 'По Казани доставляем курьером на следующий день.'],
    // Persons of one verb the stemmer cuts apart ("поможете" / «поможем»).
    ['Поможете подобрать цвет?', CARE, 'Поможем подобрать цвет под интерьер.'],
    ['Сложно собрать?', CARE, 'Стол собирается за 15 минут, ключ в комплекте.'],
    ['Зимние вещи берёте на хранение?', CARE, 'Принимаем вещи на сезонное хранение.'],
    ['Коробка есть?', CARE, 'Стол продаётся в заводской упаковке.'],
    ['А поменьше есть?', TABLE, 'Стол письменный из массива дуба, столешница 120 × 60 см.'],
    ['Для котёнка подойдёт?', CARE, 'Лежанка для кошек и собак малых пород.'],
    // A number the buyer states with its unit: a service per the unit, or a limit above it, answers.
    ['Грузчик на 9 этаж поднимет?', CARE, 'Грузчик поднимает мебель на этаж бесплатно.'],
    ['Выдержит 40 кило?', CARE, 'Столешница выдерживает до 50 кг.'],
    // The condition is what is asked when the rest is "что делать?".
    ['Если ножка сломается, что делать?', CARE, 'Если ножка сломалась, пришлите фото — заменим.'],
    // Misspelt, or in the other script.
    ['доствка по казани есть?', DELIVERY, 'По Казани доставляем курьером на следующий день.'],
    // Alternatives: one is enough.
    ['Наличными или переводом?', PAYMENT, 'Оплата наличными или картой при получении.'],
    // A pronoun says nothing about the subject; "пойдёт?" is "подойдёт?"; units answer their notion.
    [
      'Лак в ней есть?',
      { title: 'Краска', text: 'Краска без лака и растворителя.' },
      'Краска без лака и растворителя.',
    ],
    [
      'Для кухни пойдёт?',
      { title: 'Столешница', text: 'Столешница подходит для кухни и ванной.' },
      'Столешница подходит для кухни и ванной.',
    ],
    [
      'Объём какой у флакона?',
      { title: 'Шампунь', text: 'Флакон 250 мл, Италия.' },
      'Флакон 250 мл, Италия.',
    ],
    [
      'Сколько квадратов в коробке?',
      { title: 'Плитка', text: 'В коробке 1,44 м² плитки.' },
      'В коробке 1,44 м² плитки.',
    ],
    [
      'Во сколько открываетесь?',
      { title: 'Магазин', text: 'Магазин: ежедневно с 9 до 20.' },
      'Магазин: ежедневно с 9 до 20.',
    ],
    [
      'Кисти продаёте?',
      { title: 'Кисти', text: 'Кисти продаём поштучно и наборами.' },
      'Кисти продаём поштучно и наборами.',
    ],
    // The first sentence of the paragraph says what «Пункт» is; it is quoted along.
    [
      'В субботу можно подъехать забрать?',
      { title: 'Где мы', text: DELIVERY.text.split('\n\n').pop()! },
      'Забрать заказ можно в пункте выдачи: улица Баумана, 15. Пункт работает с 10 до 20, в субботу — с 11 до 17.',
    ],
  ])('when asked «%s», then the answering sentence is found', (question, passage, expected) => {
    expect(answerIn(question, passage)).toBe(expected);
  });

  it('when the passage is a listing document, then its lines stand alone and the name lines come last', () => {
    const food = {
      ...BIKE,
      title: 'Корм Whiskas для кошек, 5 кг',
      price: 2100,
      category: 'Товары для животных',
    };
    const doc = { title: `Объявление: ${food.title}`, text: listingDocumentText(food) };
    // The price line does not answer through the document's title; the title line itself is the last resort.
    expect(answerIn('Для котят подходит?', doc)).toBe('Объявление: Корм Whiskas для кошек, 5 кг');
    // The category line answers only a question about the category.
    expect(answerIn('Для животных подходит?', { ...doc, title: 'Объявление' })).toBeNull();
    expect(answerIn('Какая категория?', doc)).toBe('Категория: Товары для животных');
  });

  it('when one of the alternatives names the listing, then a sentence saying it answers', () => {
    expect(answerIn('Письменный или обеденный?', TABLE, ['Стол письменный'])).toBe(
      'Стол письменный из массива дуба, столешница 120 × 60 см.',
    );
  });

  it.each<[string, { title: string; text: string }, string[]?]>([
    // One shared word is not enough.
    ['Стулья к столу продаёте?', TABLE, ['Стол письменный']],
    ['Доставка в Казахстан есть?', DELIVERY],
    ['Можно оплатить криптовалютой?', PAYMENT],
    ['Доставка ночью возможна?', DELIVERY],
    ['Стулья в комплекте?', TABLE],
    // A number the passage does not give.
    ['Есть такой же, но 140 × 70?', TABLE],
    // Words that only look alike: «склад» is not "складной", «отправка» is not "правка".
    ['Стол складной?', { title: 'Самовывоз', text: 'Забрать можно со склада на Баумана.' }],
    ['Правку делаете?', DELIVERY],
    // Another number of the unit, or one above the limit, does not answer.
    ['Выдержит 70 кг?', CARE],
    ['Пункт выдачи на 3 этаже?', { title: 'Где мы', text: 'Пункт выдачи: ТЦ «Кольцо», 2 этаж.' }],
    // The condition said, but not all of it; another animal; another season than the one the text names.
    ['Если столешница сломается, что делать?', CARE],
    ['Для хомяка подойдёт?', CARE],
    ['Зимние есть?', { title: 'Шины', text: 'Летние шины Michelin, 4 штуки.' }],
    // A sentence about pickup does not answer a delivery question because the title names both.
    ['Доставка в субботу вечером?', DELIVERY],
    // A thing mentioned in other terms is not a thing for sale.
    ['Кисти продаёте?', { title: 'Возврат', text: 'Кисти, купленные со скидкой, не возвращаем.' }],
  ])('when asked the near-miss «%s», then nothing covers it', (question, passage, naming = []) => {
    expect(answerIn(question, passage, naming)).toBeNull();
  });

  it('when the passage is the answer and the sentence names the listing, then that sentence wins', () => {
    const warranty = {
      title: 'Гарантия',
      text: 'На мебель действует гарантия 12 месяцев. На ноутбуки — 3 месяца с момента покупки.',
    };
    expect(answerIn('Какая гарантия на ноутбук?', warranty, ['Ноутбук Lenovo'])).toBe(
      'На ноутбуки — 3 месяца с момента покупки.',
    );
  });
});

// Round 9 (issue 20): kinds the fitness and computers sets showed at their first look, each written here in
// another trade's words; every positive fails on the code before the round, every near-miss must hold.
describe('round 9: units, bounds, frames, clippings and the question clause', () => {
  const SHOP = {
    title: 'Доставка и самовывоз',
    text:
      'По Туле доставка 300 ₽, от 5 000 ₽ — бесплатно. В другие города отправляем СДЭКом.\n\n' +
      'Самовывоз: Тула, ул. Ленина, 3, пн–пт с 9 до 18, сб с 10 до 15.',
  };
  const SPECS = {
    title: 'Характеристики',
    text: 'Мощность 1 800 Вт, частота 165 Гц. Максимальная нагрузка на сиденье — 120 кг. Гири весом от 4 до 32 кг.',
  };

  it.each<[string, { title: string; text: string }, string, string[]?]>([
    // A unit written in full or in slang, the document's symbol.
    ['Сколько ватт?', SPECS, 'Мощность 1 800 Вт, частота 165 Гц.'],
    ['Герцовка какая?', SPECS, 'Мощность 1 800 Вт, частота 165 Гц.'],
    // A day abbreviated before hours.
    ['В субботу до скольки?', SHOP, 'Самовывоз: Тула, ул. Ленина, 3, пн–пт с 9 до 18, сб с 10 до 15.'],
    // A number within a bound a few words before it; a lower bound; the least or the most asked about.
    ['Выдержит 110 кг?', SPECS, 'Максимальная нагрузка на сиденье — 120 кг.'],
    [
      'Блок питания на 650 ватт подойдёт?',
      { title: 'Видеокарта', text: 'Рекомендуемый блок питания — от 600 Вт.' },
      'Рекомендуемый блок питания — от 600 Вт.',
    ],
    ['Какой минимальный вес гири?', SPECS, 'Гири весом от 4 до 32 кг.'],
    // Frame verbs: whether it happens, coming over to do it.
    ['Доставка бесплатная бывает?', SHOP, 'По Туле доставка 300 ₽, от 5 000 ₽ — бесплатно.'],
    [
      'Можно прийти послушать колонки перед покупкой?',
      { title: 'Салон', text: 'В салоне можно послушать любые колонки перед покупкой.' },
      'В салоне можно послушать любые колонки перед покупкой.',
    ],
    // The shop is where its address is; cash on delivery is answered by prepayment.
    ['Адрес магазина?', SHOP, 'Самовывоз: Тула, ул. Ленина, 3, пн–пт с 9 до 18, сб с 10 до 15.'],
    [
      'Наложенный платёж есть?',
      { title: 'Оплата', text: 'Отправляем только после предоплаты.' },
      'Отправляем только после предоплаты.',
    ],
    // A slang clipping of the listing's name only names it.
    ['В Тверь отправите видюху?', SHOP, 'В другие города отправляем СДЭКом.', ['Видеокарта Palit RTX 4060']],
    // «X, Y?»: the last clause is the question, one word of the clause before is enough.
    [
      'У меня кресло из другого магазина скрипит, чините такие?',
      { title: 'Сервис', text: 'Ремонт кресел других магазинов — от 1 500 ₽.' },
      'Ремонт кресел других магазинов — от 1 500 ₽.',
    ],
    // Words of any device's specifications: the diagonal in inches, connecting to an output, beginners,
    // the hours a charge lasts.
    ['Диагональ какая?', { title: 'Планшет', text: 'Экран 10,1 дюйма, IPS.' }, 'Экран 10,1 дюйма, IPS.'],
    [
      'Наушники к нему подключить можно?',
      { title: 'Синтезатор', text: 'Есть линейный выход и выход на наушники.' },
      'Есть линейный выход и выход на наушники.',
    ],
    [
      'Для новичка пойдёт?',
      { title: 'Скрипка', text: 'Подходит для начинающих.' },
      'Подходит для начинающих.',
    ],
    ['Сколько держит заряд?', { title: 'Колонка', text: 'До 12 часов работы.' }, 'До 12 часов работы.'],
    // The listing's name cut short, or the second half of a compound, only names it.
    [
      'Гарантия на пилу какая?',
      { title: 'Гарантия', text: 'На инструмент — гарантия 2 года.' },
      'На инструмент — гарантия 2 года.',
      ['Бензопила Husqvarna 120'],
    ],
    [
      'Почём кроссы?',
      { title: 'Объявление', text: 'Объявление: Кроссовки Asics\nЦена: 7 990 ₽\n' },
      'Цена: 7 990 ₽',
      ['Кроссовки Asics'],
    ],
  ])('when asked «%s», then the passage answers it', (question, passage, expected, naming = []) => {
    expect(answerIn(question, passage, naming)).toBe(expected);
  });

  it.each<[string, { title: string; text: string }, string[]?]>([
    // «Вт» alone is a watt, not Tuesday.
    ['Во вторник работаете?', SPECS],
    // Above an upper bound, below a lower one.
    ['Выдержит 150 кг?', SPECS],
    [
      'Блок питания на 500 ватт подойдёт?',
      { title: 'Видеокарта', text: 'Рекомендуемый блок питания — от 600 Вт.' },
    ],
    // A shop in another city is not the shop's address.
    ['Есть ли у вас магазин в Твери?', SHOP],
    // A last clause asking only whether it is sold, or when, leaves the question in the clauses before.
    [
      'Колёса в сборе, шины на дисках, продаёте?',
      { title: 'Шины', text: 'Шины продаём комплектом из 4 штук.' },
    ],
    // Nor when the clause before tells no situation of the buyer's: it is the subject.
    ['Доставка в Казахстан, отправляете?', { title: 'Доставка', text: 'В другие города отправляем СДЭКом.' }],
    // A name is no colour; a measured number is not in a range of another unit, nor in hours; a deadline
    // is no opening hours; «склада» is not "складывается".
    ['Какие цвета есть?', { title: 'Самовывоз', text: 'Пункт выдачи: Красный проспект, 200.' }],
    [
      'Есть такая же, но на 8 кг?',
      { title: 'Доставка', text: 'В регионы отправляем за 4–12 дней.' },
      ['Стиральная машина, 6,5 кг'],
    ],
    [
      'Есть на 8 кг?',
      { title: 'Доставка', text: 'Доставляем ежедневно с 9:00 до 22:00.' },
      ['Стиральная машина, 6,5 кг'],
    ],
    ['До скольки работаете?', { title: 'Доставка', text: 'Доставим в день заказа, если оформить до 15:00.' }],
    ['Складывается?', { title: 'Самовывоз', text: 'Самовывоз со склада на Лиговском.' }],
  ])('when asked the near-miss «%s», then nothing covers it', (question, passage, naming = []) => {
    expect(answerIn(question, passage, naming)).toBeNull();
  });

  it('when opening hours are a span of the day, then they answer «до скольки работаете»', () => {
    const pickup = { title: 'Самовывоз', text: 'Самовывоз: ул. Мира, 5, с 10 до 21 без выходных.' };
    expect(answerIn('До скольки работаете?', pickup)).toBe(pickup.text);
  });

  it('when a listing document is read, then its address line answers where, not a colour', () => {
    const card = {
      title: 'Объявление',
      text: 'Объявление: Кресло\nАдрес: Новосибирск, Красный проспект, 200\n',
    };
    expect(answerIn('Какие цвета есть?', card, ['Кресло'])).toBeNull();
    expect(answerIn('Где вы находитесь?', card, ['Кресло'])).toBe(
      'Адрес: Новосибирск, Красный проспект, 200',
    );
    expect(answerIn('Вы в Новосибирске?', card, ['Кресло'])).toBe(
      'Адрес: Новосибирск, Красный проспект, 200',
    );
  });

  it('when an «если» clause has no comma, then it ends where the question opens', () => {
    const [ask] = askedIn(['Если я сам разберу ноутбук гарантия сохранится?'], []);
    expect(ask!.terms.filter((t) => t.condition).map((t) => t.token.word)).toEqual(['разберу', 'ноутбук']);
  });

  it('when «почём» names the listing, then its price line beats another price that names it', () => {
    const [ask] = askedIn(['почем гантели'], ['Гантели 2 × 10 кг']);
    const card = { title: 'Объявление', text: 'Объявление: Гантели 2 × 10 кг\nЦена: 3 500 ₽\n' };
    const doc = { title: 'Гантели', text: 'Удлинитель грифа для гантелей продаётся отдельно, 900 ₽.' };
    expect(coverIn(ask!, card)!.quality).toBeGreaterThan(coverIn(ask!, doc)?.quality ?? -Infinity);
  });
});

describe('round 10: glued units, grams, amounts, service frames, shared nouns and spans of time', () => {
  it.each<[string, { title: string; text: string }, string]>([
    // A number written onto its unit is the number beside the unit.
    [
      'Кастрюля на 5л есть?',
      { title: 'Посуда', text: 'Кастрюля эмалированная, объём 5 л.' },
      'Кастрюля эмалированная, объём 5 л.',
    ],
    // Grams, written as a letter after the number.
    [
      'Сколько грамм в пачке чая?',
      { title: 'Чай', text: 'Чай листовой, в пачке 100 г.' },
      'Чай листовой, в пачке 100 г.',
    ],
    // An amount is a price.
    [
      'С какой суммы упаковка бесплатная?',
      { title: 'Упаковка', text: 'Подарочная упаковка бесплатно при заказе от 3 000 ₽.' },
      'Подарочная упаковка бесплатно при заказе от 3 000 ₽.',
    ],
    // Having a service done, and a number, frame what is asked about.
    [
      'Кредит оформить можно?',
      { title: 'Оплата', text: 'Кредит от банка на 12 месяцев.' },
      'Кредит от банка на 12 месяцев.',
    ],
    [
      'Сколько стоит вызвать электрика?',
      { title: 'Услуги', text: 'Выезд электрика — 1 000 ₽.' },
      'Выезд электрика — 1 000 ₽.',
    ],
    [
      'Полку можно повесить на гипсокартон?',
      { title: 'Полка', text: 'Полка крепится к стенам из гипсокартона и кирпича.' },
      'Полка крепится к стенам из гипсокартона и кирпича.',
    ],
    // The same span answers it.
    [
      'Рассрочка на год есть?',
      { title: 'Оплата', text: 'Рассрочка на год без переплаты.' },
      'Рассрочка на год без переплаты.',
    ],
    [
      'Дайте номер телефона сервиса',
      { title: 'Контакты', text: 'Телефон сервиса: +7 (495) 123-45-67.' },
      'Телефон сервиса: +7 (495) 123-45-67.',
    ],
  ])('when asked «%s», then the passage answers it', (question, passage, expected) => {
    expect(answerIn(question, passage)).toBe(expected);
  });

  it.each<[string, { title: string; text: string }]>([
    // Adjectives are the alternatives; the noun after them is asked of both.
    ['Есть подарочная или клубная карта?', { title: 'Упаковка', text: 'Подарочная упаковка — 200 ₽.' }],
    // A model name keeps its digits: "i7" is not a 7 of the passage.
    ['Есть такой же, но с i7?', { title: 'Ноутбук', text: 'Процессор Core i5, 7 часов работы.' }],
    // A year is no weight.
    ['Сколько там грамм?', { title: 'Гарантия', text: 'Модель выпущена в 2024 г. и снята с производства.' }],
    // A span of time asked for is not answered by another span.
    ['Рассрочка на год есть?', { title: 'Оплата', text: 'Рассрочка на 6 месяцев без переплаты.' }],
    ['Аренда на неделю возможна?', { title: 'Аренда', text: 'Аренда инструмента — на сутки или на 3 дня.' }],
  ])('when asked the near-miss «%s», then nothing covers it', (question, passage) => {
    expect(answerIn(question, passage)).toBeNull();
  });
});
