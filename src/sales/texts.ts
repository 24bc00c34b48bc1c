/**
 * Texts of the sales core, in Russian (default) and English, chosen by the configured locale (`BOT_LOCALE`,
 * as the bot's and the integrations' texts): lines the calculator names, the quote as the owner reads it, the
 * default brief's labels, the documents' headings and requisites, and the message a buyer gets with a
 * document's link. The documents' bodies are the seller's templates (`documents/templates/`), Russian by default.
 */

export type SalesLocale = 'ru' | 'en';

/** 1.3 → "1,3"; 22 → "22". */
const decimal = (n: number) => String(Number(n.toFixed(4))).replace('.', ',');
/** 1.3 → "1.3". */
const decimalEn = (n: number) => String(Number(n.toFixed(4)));

const ru = {
  serviceUnit: 'усл.',
  tierTopUp: (title: string, from: string, unit: string) =>
    `Доплата до цены партии от ${from} ${unit} («${title}»)`,
  coefficientTitle: (title: string, choice: string, factor: number) =>
    `${title}: ${choice} (×${decimal(factor)})`,
  manualDiscount: 'Скидка',
  manualDiscountPercent: (percent: number) => `Скидка ${decimal(percent)}%`,
  percent: (value: number) => `${decimal(value)}%`,

  quote: {
    columns: { n: '№', title: 'Наименование', qty: 'Кол-во', price: 'Цена', amount: 'Сумма' },
    subtotal: 'Итого',
    discount: (titles: string[]) => (titles.length ? `Скидка (${titles.join('; ')})` : 'Скидка'),
    discountLimited: {
      floor: 'скидка ограничена минимальной ценой',
      max_percent: 'скидка ограничена максимальным процентом',
    },
    vatIncluded: (rate: string) => `В том числе НДС ${rate}`,
    vatAdded: (rate: string) => `НДС ${rate}`,
    noVat: 'Без НДС',
    total: 'Всего к оплате',
    validUntil: (date: string, time: string, zone: string) =>
      `Расчёт действителен до ${date} ${time} (${zone})`,
  },

  brief: {
    /** Labels of the default brief fields (the seller may rename them in the configuration). */
    labels: {
      need: 'Что нужно',
      quantity: 'Количество',
      deadline: 'Срок',
      budget: 'Бюджет',
      address: 'Адрес доставки',
      comments: 'Комментарии',
    },
  },

  document: {
    titles: { offer: 'Коммерческое предложение', contract: 'Договор', invoice: 'Счёт на оплату' },
    numbered: (title: string, number: string) => `${title} № ${number}`,
    page: (title: string, page: number, pages: number) => `${title} — стр. ${page} из ${pages}`,
    bank: { bank: 'Банк получателя', bik: 'БИК', account: 'Сч. №', recipient: 'Получатель' },
    columns: {
      n: '№',
      title: 'Товары (работы, услуги)',
      qty: 'Кол-во',
      unit: 'Ед.',
      price: 'Цена',
      amount: 'Сумма',
    },
    signatory: {
      individual: 'Индивидуальный предприниматель',
      head: 'Руководитель',
      accountant: 'Бухгалтер',
    },
    parties: { seller: 'Исполнитель', buyer: 'Заказчик' },
    ogrn: (digits: number): string => (digits === 15 ? 'ОГРНИП' : 'ОГРН'),
    inn: (v: string) => `ИНН ${v}`,
    kpp: (v: string) => `КПП ${v}`,
    address: (v: string) => `Адрес: ${v}`,
    account: (v: string) => `Р/с ${v}`,
    inBank: (v: string) => `в ${v}`,
    corrAccount: (v: string) => `К/с ${v}`,
    bik: (v: string) => `БИК ${v}`,
    phone: (v: string) => `Тел.: ${v}`,
    phoneInline: (v: string) => `тел. ${v}`,
    email: (v: string) => `E-mail: ${v}`,
  },

  /** What the buyer reads when the owner sends a document (Avito messages carry no files: a link). */
  delivery: {
    message: (title: string, url: string, until: string) => `${title}: ${url}\nСсылка действует до ${until}.`,
    unnamedBuyer: 'Покупатель',
  },
};

export type SalesTexts = typeof ru;

const en: SalesTexts = {
  serviceUnit: 'svc',
  tierTopUp: (title: string, from: string, unit: string) =>
    `Top-up to the price for ${from} ${unit} or more ("${title}")`,
  coefficientTitle: (title: string, choice: string, factor: number) =>
    `${title}: ${choice} (×${decimalEn(factor)})`,
  manualDiscount: 'Discount',
  manualDiscountPercent: (percent: number) => `Discount ${decimalEn(percent)}%`,
  percent: (value: number) => `${decimalEn(value)}%`,

  quote: {
    columns: { n: 'No.', title: 'Item', qty: 'Qty', price: 'Price', amount: 'Amount' },
    subtotal: 'Subtotal',
    discount: (titles: string[]) => (titles.length ? `Discount (${titles.join('; ')})` : 'Discount'),
    discountLimited: {
      floor: 'discount limited by the minimum price',
      max_percent: 'discount limited by the maximum percentage',
    },
    vatIncluded: (rate: string) => `Including VAT ${rate}`,
    vatAdded: (rate: string) => `VAT ${rate}`,
    noVat: 'No VAT',
    total: 'Total due',
    validUntil: (date: string, time: string, zone: string) => `Valid until ${date} ${time} (${zone})`,
  },

  brief: {
    labels: {
      need: 'What is needed',
      quantity: 'Quantity',
      deadline: 'Deadline',
      budget: 'Budget',
      address: 'Delivery address',
      comments: 'Comments',
    },
  },

  document: {
    titles: { offer: 'Commercial offer', contract: 'Contract', invoice: 'Invoice' },
    numbered: (title: string, number: string) => `${title} No. ${number}`,
    page: (title: string, page: number, pages: number) => `${title} — page ${page} of ${pages}`,
    bank: { bank: "Payee's bank", bik: 'BIC', account: 'Acc. No.', recipient: 'Payee' },
    columns: {
      n: 'No.',
      title: 'Goods (works, services)',
      qty: 'Qty',
      unit: 'Unit',
      price: 'Price',
      amount: 'Amount',
    },
    signatory: {
      individual: 'Sole proprietor',
      head: 'Director',
      accountant: 'Accountant',
    },
    parties: { seller: 'Contractor', buyer: 'Customer' },
    ogrn: (digits: number) => (digits === 15 ? 'OGRNIP' : 'OGRN'),
    inn: (v: string) => `INN ${v}`,
    kpp: (v: string) => `KPP ${v}`,
    address: (v: string) => `Address: ${v}`,
    account: (v: string) => `Acc. ${v}`,
    inBank: (v: string) => `at ${v}`,
    corrAccount: (v: string) => `Corr. acc. ${v}`,
    bik: (v: string) => `BIC ${v}`,
    phone: (v: string) => `Tel.: ${v}`,
    phoneInline: (v: string) => `tel. ${v}`,
    email: (v: string) => `E-mail: ${v}`,
  },

  delivery: {
    message: (title: string, url: string, until: string) =>
      `${title}: ${url}\nThe link works until ${until}.`,
    unnamedBuyer: 'Buyer',
  },
};

/** The sales texts of a locale; anything but `en` is Russian. */
export function salesTextsFor(locale: string | undefined): SalesTexts {
  return locale === 'en' ? en : ru;
}
