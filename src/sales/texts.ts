/**
 * Russian texts of the sales core: lines the calculator names, the quote as the owner reads it, the
 * labels of documents. Russian legal documents have no English form; the owner-facing quote will take
 * its English variant from here when the bot shows it.
 */

/** 1.3 → "1,3"; 22 → "22". */
const decimal = (n: number) => String(Number(n.toFixed(4))).replace('.', ',');

export const salesTexts = {
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
} as const;
