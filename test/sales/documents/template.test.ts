import { describe, expect, it } from 'vitest';
import {
  fillLine,
  missingValues,
  parseTemplate,
  TemplateError,
} from '../../../src/sales/documents/template.js';
import { DEFAULT_TEMPLATES } from '../../../src/sales/documents/templates/index.js';

const SOURCE = `// a comment the document never shows
# Счёт № {{number}}
^ от {{date}}

Поставщик: **{{seller.summary}}**
Телефон: {{buyer.phone?}}
> справа
---
[[bank]]
## Раздел
{{terms.city}}, {{contract.number?}}
`;

describe('document templates', () => {
  it('when a template is parsed, then lines become titles, paragraphs, rules and blocks in order', () => {
    const t = parseTemplate(SOURCE, 'invoice', 'test');
    expect(
      t.blocks.map((b) =>
        b.kind === 'paragraph'
          ? `paragraph:${b.align}:${b.lines.length}`
          : b.kind === 'widget'
            ? `[[${b.name}]]`
            : b.kind,
      ),
    ).toEqual([
      'title',
      'paragraph:center:1',
      'paragraph:justify:2',
      'paragraph:right:1',
      'rule',
      '[[bank]]',
      'heading',
      'paragraph:justify:1',
    ]);
    expect(t.placeholders.map((p) => `${p.name}${p.optional ? '?' : ''}@${p.line}`)).toEqual([
      'number@2',
      'date@3',
      'seller.summary@5',
      'buyer.phone?@6',
      'terms.city@11',
      'contract.number?@11',
    ]);
  });

  it('when values are missing, then required placeholders, blocks and derived values name what is needed', () => {
    const t = parseTemplate(SOURCE, 'invoice', 'test');
    expect(missingValues(t, { number: 'СЧ-1', date: '1 января', 'seller.name': 'ООО «Дуб»' })).toEqual([
      'seller.bank.account (расчётный счёт)',
      'seller.bank.bik (БИК)',
      'seller.bank.corr_account (корр. счёт)',
      'seller.bank.name (банк)',
      'seller.inn (ИНН)',
      'terms.city',
    ]);
  });

  it('when a line has only optional placeholders and they are empty, then the line is left out', () => {
    expect(fillLine('Телефон: {{buyer.phone?}}', {})).toBeNull();
    expect(fillLine('Телефон: {{buyer.phone?}}', { 'buyer.phone': '+7 916 000-00-00' })).toBe(
      'Телефон: +7 916 000-00-00',
    );
    // A required value keeps the line; the optional one becomes empty.
    expect(fillLine('{{terms.city}}, {{contract.number?}}', { 'terms.city': 'Москва' })).toBe('Москва, ');
    expect(fillLine('Без полей', {})).toBe('Без полей');
    expect(fillLine('**{{buyer.name}}**', { 'buyer.name': 'ООО **Звезда**' })).toBe('**ООО *Звезда***');
  });

  it('when a template has unknown names or broken braces, then every problem is reported with its line', () => {
    const error = (() => {
      try {
        parseTemplate('# {{numbr}}\nтекст {{date\n[[totals]] и текст\n[[signature]]', 'offer', 'my.txt');
      } catch (err) {
        return err as TemplateError;
      }
      throw new Error('expected a TemplateError');
    })();
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.problems.map((p) => p.split(';')[0])).toEqual([
      'line 1: unknown placeholder {{numbr}}',
      'line 2: an unclosed {{ or }}',
      'line 3: a block must be alone on its line, like [[items]]',
      'line 4: unknown block [[signature]]',
    ]);
  });

  it('when the built-in templates are parsed, then they are valid', () => {
    for (const kind of ['offer', 'contract', 'invoice'] as const) {
      expect(parseTemplate(DEFAULT_TEMPLATES[kind], kind, 'default').blocks.length).toBeGreaterThan(5);
    }
  });
});
