/** Коммерческое предложение: the seller's letterhead, the computed lines, totals and terms. */
export const OFFER_TEMPLATE = `// Коммерческое предложение. Формат шаблона описан в docs/sales.md:
// {{поле}} — значение (обязательное), {{поле?}} — необязательное, [[блок]] — готовый блок.
> **{{seller.name}}**
> ИНН {{seller.inn?}}
> {{seller.address?}}
> Тел.: {{seller.phone?}}
> {{seller.email?}}
> {{seller.website?}}

# Коммерческое предложение № {{number}}
^ от {{date}}

Кому: **{{buyer.name}}**
Телефон: {{buyer.phone?}}
E-mail: {{buyer.email?}}

Здравствуйте! Благодарим за интерес к нашей продукции. По вашему запросу подготовили расчёт стоимости:

[[items]]

[[totals]]

Итого: **{{total}} руб.** ({{total_words}}). {{vat_line}}.

Срок изготовления: {{terms.production_time?}} с момента предоплаты.
Предоплата: {{terms.prepayment?}}, остаток — при получении.
Гарантия: {{terms.warranty?}}.
Доставка: {{terms.delivery?}}

Предложение действительно до {{valid_until}} включительно. Будем рады ответить на ваши вопросы!

[[signatures]]
`;
