import { describe, expect, it } from 'vitest';
import { chunkText } from '../../src/rag/chunk.js';
import { IngestError } from '../../src/rag/errors.js';
import { extractDocumentText } from '../../src/rag/extract/index.js';
import { makeTextPdf } from '../fixtures/docs/pdf.js';
import { makeDocx, makeXlsx, utf8 } from './helpers.js';

async function reason(name: string, bytes: Uint8Array): Promise<string> {
  const err = await extractDocumentText(name, bytes).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(IngestError);
  return (err as IngestError).reason;
}

describe('text extraction', () => {
  it('when a PDF has a text layer, then its Cyrillic text is extracted', async () => {
    const out = await extractDocumentText('price.pdf', makeTextPdf(['Прайс-лист', 'Кресло — 1 500 ₽']));
    expect(out).toMatchObject({ kind: 'pdf', mimeType: 'application/pdf' });
    expect(out.text).toContain('Прайс-лист');
    expect(out.text).toContain('Кресло — 1 500 ₽');
  });

  it('when a DOCX has paragraphs and a table, then both come out as readable lines', async () => {
    const out = await extractDocumentText(
      'terms.docx',
      makeDocx(
        ['Условия доставки', 'Курьер & самовывоз'],
        [
          ['Город', 'Цена'],
          ['Москва', '500'],
        ],
      ),
    );
    expect(out.kind).toBe('docx');
    expect(out.text).toContain('Условия доставки\nКурьер & самовывоз');
    expect(out.text).toContain('Москва | 500');
  });

  it('when an XLSX has a header row, then each row reads "Header: value"', async () => {
    const out = await extractDocumentText(
      'prices.xlsx',
      makeXlsx('Прайс', [
        ['Товар', 'Цена'],
        ['Кресло', 1500],
        ['Стол', 3200],
      ]),
    );
    expect(out.kind).toBe('xlsx');
    expect(out.text).toBe('# Прайс\nТовар: Кресло; Цена: 1500\nТовар: Стол; Цена: 3200');
  });

  it('when CSV uses semicolons and quotes, then rows keep their headers', async () => {
    const out = await extractDocumentText(
      'd.csv',
      utf8('Город;Срок\n"Москва; область";1-2 дня\nСПб;3 дня\n'),
    );
    expect(out.text).toBe('Город: Москва; область; Срок: 1-2 дня\nГород: СПб; Срок: 3 дня');
  });

  it('when HTML has scripts and entities, then only visible text remains', async () => {
    const out = await extractDocumentText(
      'faq.html',
      utf8('<html><script>x=1</script><h1>FAQ</h1><p>Цена&nbsp;500&nbsp;&#8381;</p></html>'),
    );
    expect(out.text).toBe('FAQ\n\nЦена 500 ₽');
  });

  it('when TXT is in Windows-1251, then it is decoded; Markdown is kept as is', async () => {
    const cp1251 = new Uint8Array([0xc4, 0xee, 0xf1, 0xf2, 0xe0, 0xe2, 0xea, 0xe0]); // "Доставка"
    expect((await extractDocumentText('a.txt', cp1251)).text).toBe('Доставка');
    expect((await extractDocumentText('a.md', utf8('# Заголовок\n\nТекст'))).mimeType).toBe('text/markdown');
  });

  it('when files are empty, unsupported or corrupt, then the reason says which', async () => {
    expect(await reason('a.txt', new Uint8Array())).toBe('empty');
    expect(await reason('a.txt', utf8('  \n\n '))).toBe('empty');
    expect(await reason('scan.pdf', makeTextPdf([]))).toBe('empty');
    expect(await reason('photo.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2]))).toBe('unsupported');
    expect(await reason('photo.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
      'unsupported',
    );
    expect(await reason('old.doc', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0, 0]))).toBe('unsupported');
    expect(await reason('fake.pdf', utf8('hello'))).toBe('corrupt');
    expect(await reason('broken.pdf', utf8('%PDF-1.4\ngarbage'))).toBe('corrupt');
    expect(await reason('fake.docx', utf8('hello'))).toBe('corrupt');
    expect(await reason('trunc.docx', makeDocx(['x']).subarray(0, 40))).toBe('corrupt');
  });

  it('when an IngestError is shown to the owner, then it has Russian and English texts', async () => {
    const err = (await extractDocumentText('a.exe', utf8('MZ\x90'))
      .then(() => undefined)
      .catch((e: unknown) => e)) as IngestError;
    expect(err.localized('ru')).toMatch(/не поддерживается/);
    expect(err.localized('en')).toMatch(/not supported/);
  });
});

describe('chunking', () => {
  it('when text is long, then chunks stay under the size, keep paragraphs whole and overlap', () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Абзац ${i}. ${'слово '.repeat(20).trim()}.`);
    const chunks = chunkText(paragraphs.join('\n\n'), { size: 400, overlap: 80 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(400);
    for (const p of paragraphs) expect(chunks.some((c) => c.includes(p))).toBe(true);
    const [first, second] = chunks;
    expect(first!.endsWith(second!.slice(0, second!.indexOf('\n\n')))).toBe(true);
  });

  it('when one paragraph exceeds the size, then it is split at sentences', () => {
    const long = Array.from({ length: 40 }, (_, i) => `Предложение номер ${i}.`).join(' ');
    const chunks = chunkText(long, { size: 200, overlap: 0 });
    expect(chunks.every((c) => c.length <= 200 && /\.$/.test(c))).toBe(true);
    expect(chunks.join(' ')).toBe(long);
  });
});
