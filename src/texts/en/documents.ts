/** Texts of quotes and documents, in English: typed against the Russian texts (`ru/documents.ts`). */
import type { DocumentTexts } from '../ru/documents.js';

/** 1.3 → "1.3". */
const decimalEn = (n: number) => String(Number(n.toFixed(4)));

export const documents: DocumentTexts = {
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
