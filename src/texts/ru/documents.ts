/**
 * Texts of quotes and documents, in Russian (the default): lines the calculator names, the quote as the owner
 * reads it, the default brief's labels, the documents' headings and requisites, and the message a buyer gets
 * with a document's link. The documents' bodies are the seller's templates (`sales/documents/templates/`),
 * Russian by default.
 */

/** 1.3 → "1,3"; 22 → "22". */
const decimal = (n: number) => String(Number(n.toFixed(4))).replace('.', ',');

export const documents = {
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

export type DocumentTexts = typeof documents;
