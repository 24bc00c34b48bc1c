import { z } from 'zod';

/**
 * Russian company requisites (реквизиты) with their check digits, so a typo in an ИНН or an account
 * number is caught when the configuration loads, not by the buyer's bank.
 */

const digitsOf = (s: string) => [...s].map(Number);

const weighted = (digits: number[], weights: number[]) =>
  weights.reduce((acc, w, i) => acc + w * digits[i]!, 0);

/** ИНН: 10 digits (organisation) or 12 (individual, ИП), with check digits. */
export function isValidInn(inn: string): boolean {
  if (!/^\d{10}$|^\d{12}$/.test(inn)) return false;
  const d = digitsOf(inn);
  const check = (weights: number[]) => (weighted(d, weights) % 11) % 10;
  if (d.length === 10) return check([2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[9];
  return (
    check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[10] && check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[11]
  );
}

/** ОГРН (13 digits) or ОГРНИП (15 digits), with the check digit. */
export function isValidOgrn(ogrn: string): boolean {
  if (!/^\d{13}$|^\d{15}$/.test(ogrn)) return false;
  const body = BigInt(ogrn.slice(0, -1));
  const modulus = ogrn.length === 13 ? 11n : 13n;
  return (body % modulus) % 10n === BigInt(ogrn.at(-1)!);
}

/** The control key of a bank account against the БИК (weights 7-1-3 over 23 digits). */
function accountKeyValid(prefix3: string, account: string): boolean {
  const weights = [7, 1, 3];
  const d = digitsOf(prefix3 + account);
  return d.reduce((acc, x, i) => acc + ((x * weights[i % 3]!) % 10), 0) % 10 === 0;
}

/** Расчётный счёт: 20 digits whose control key matches the bank's БИК. */
export function isValidAccount(account: string, bik: string): boolean {
  return /^\d{20}$/.test(account) && /^\d{9}$/.test(bik) && accountKeyValid(bik.slice(-3), account);
}

/** Корреспондентский счёт: 20 digits starting 30101, control key over "0" + БИК digits 5–6. */
export function isValidCorrAccount(account: string, bik: string): boolean {
  return (
    /^30101\d{15}$/.test(account) && /^\d{9}$/.test(bik) && accountKeyValid(`0${bik.slice(4, 6)}`, account)
  );
}

const text = (max = 500) =>
  z.string({ error: 'expected text' }).trim().min(1, { error: 'expected text' }).max(max);

/** Digits written in quotes: YAML would read 044525225 as a number and drop the leading zero. */
const digitString = (what: string, pattern: RegExp, example: string) =>
  z.unknown().transform((v, ctx) => {
    if (typeof v !== 'string') {
      ctx.addIssue({ code: 'custom', message: `expected ${what} in quotes, like "${example}"` });
      return z.NEVER;
    }
    const s = v.replace(/\s/g, '');
    if (!pattern.test(s)) {
      ctx.addIssue({ code: 'custom', message: `expected ${what}, like "${example}"` });
      return z.NEVER;
    }
    return s;
  });

export const innSchema = digitString('an ИНН of 10 or 12 digits', /^\d{10}$|^\d{12}$/, '7701234567').refine(
  isValidInn,
  { error: 'the ИНН check digits do not match: a typo?' },
);
export const kppSchema = digitString('a КПП of 9 characters', /^\d{4}[\dA-Z]{2}\d{3}$/, '770101001');

const bankSchema = z.strictObject({
  name: text().optional(),
  bik: digitString('a БИК of 9 digits', /^\d{9}$/, '044525225').optional(),
  corr_account: digitString('a корр. счёт of 20 digits', /^\d{20}$/, '30101810400000000225').optional(),
  account: digitString('a расчётный счёт of 20 digits', /^\d{20}$/, '40702810400000012345').optional(),
});

/** The seller's requisites. All optional here: a template that needs a missing one says which. */
export const sellerSchema = z
  .strictObject({
    /** Full legal name: ООО «…» or Индивидуальный предприниматель … */
    name: text().optional(),
    inn: innSchema.optional(),
    kpp: kppSchema.optional(),
    /** ОГРН (13 digits) or ОГРНИП (15 digits). */
    ogrn: digitString('an ОГРН (13 digits) or ОГРНИП (15 digits)', /^\d{13}$|^\d{15}$/, '1027700000000')
      .refine(isValidOgrn, { error: 'the ОГРН check digit does not match: a typo?' })
      .optional(),
    address: text().optional(),
    phone: text(100).optional(),
    email: z.email({ error: 'expected an e-mail address' }).optional(),
    website: text(200).optional(),
    bank: bankSchema.optional(),
    signatory: z
      .strictObject({
        /** «Иванов И. И.» as signed under documents. */
        name: text(200).optional(),
        /** «Генеральный директор»; an ИП leaves it out. */
        position: text(200).optional(),
        /**
         * How contracts introduce the seller after its name: «в лице генерального директора Иванова
         * Ивана Ивановича, действующего на основании Устава».
         */
        acting: text(500).optional(),
      })
      .optional(),
    /** Who signs invoices as the accountant («Главный бухгалтер»); the signatory when left out. */
    accountant: text(200).optional(),
  })
  .superRefine((s, ctx) => {
    const individual = s.inn?.length === 12;
    if (individual && s.kpp) {
      ctx.addIssue({
        code: 'custom',
        path: ['kpp'],
        message: 'an individual entrepreneur (12-digit ИНН) has no КПП',
      });
    }
    if (s.inn && s.ogrn && (s.ogrn.length === 15) !== individual) {
      ctx.addIssue({
        code: 'custom',
        path: ['ogrn'],
        message: individual
          ? 'an individual entrepreneur (12-digit ИНН) has a 15-digit ОГРНИП'
          : 'an organisation (10-digit ИНН) has a 13-digit ОГРН',
      });
    }
    const bank = s.bank;
    if (bank?.bik && bank.account && !isValidAccount(bank.account, bank.bik)) {
      ctx.addIssue({
        code: 'custom',
        path: ['bank', 'account'],
        message: 'the расчётный счёт does not match the БИК (control digit): check both',
      });
    }
    if (bank?.bik && bank.corr_account && !isValidCorrAccount(bank.corr_account, bank.bik)) {
      ctx.addIssue({
        code: 'custom',
        path: ['bank', 'corr_account'],
        message:
          'the корр. счёт does not match the БИК (it starts with 30101 and ends with the БИК’s last 3 digits)',
      });
    }
  });
export type Seller = z.output<typeof sellerSchema>;

/** The buyer of a document: a person or a company. */
export const buyerSchema = z.strictObject({
  /** «Смирнова Анна Сергеевна» or «ООО «Ромашка»». */
  name: text(300),
  inn: innSchema.optional(),
  kpp: kppSchema.optional(),
  address: text().optional(),
  phone: text(100).optional(),
  email: z.email({ error: 'expected an e-mail address' }).optional(),
  /** For a company buyer: «в лице генерального директора Петрова П. П., действующего на основании Устава». */
  acting: text(500).optional(),
});
export type Buyer = z.output<typeof buyerSchema>;
