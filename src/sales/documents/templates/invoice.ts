/** «Счёт на оплату» in the usual Russian layout: bank box, title, parties, lines, totals, sum in words. */
export const INVOICE_TEMPLATE = `// Счёт на оплату. Формат шаблона описан в docs/sales.md:
// {{поле}} — значение (обязательное), {{поле?}} — необязательное, [[блок]] — готовый блок.
[[bank]]

# Счёт на оплату № {{number}} от {{date}}
---
Поставщик (Исполнитель): **{{seller.summary}}**

Покупатель (Заказчик): **{{buyer.summary}}**

Основание: договор № {{contract.number?}} от {{contract.date?}}

[[items]]

[[totals]]

Всего наименований {{items_count}}, на сумму {{total}} руб.
**{{total_words}}**
---
Оплата данного счёта означает согласие с условиями поставки товара.
Счёт действителен к оплате в течение {{terms.payment_time?}}.
Товар отпускается по факту поступления денег на расчётный счёт Поставщика.

[[signatures]]
`;
