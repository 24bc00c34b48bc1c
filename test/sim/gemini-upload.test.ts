import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, GoogleGenAI, UploadToFileSearchStoreOperation } from '@google/genai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDocx, makeSimplePdf } from '../../sim/gemini/fixtures.js';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';

let sim: GeminiSim;
let ai: GoogleGenAI;
let storeName: string;
let dir: string | undefined;

beforeEach(async () => {
  sim = await startGeminiSim({ operationPolls: 2 });
  ai = new GoogleGenAI({ apiKey: sim.apiKey, apiVersion: 'v1beta', httpOptions: { baseUrl: sim.url } });
  storeName = (await ai.fileSearchStores.create({ config: { displayName: 'docs' } })).name!;
});

afterEach(async () => {
  await sim.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** One operations.get, typed as the upload operation it is. */
async function poll(op: UploadToFileSearchStoreOperation): Promise<UploadToFileSearchStoreOperation> {
  const next: UploadToFileSearchStoreOperation = await ai.operations.get({ operation: op });
  return next;
}

async function waitDone(
  op: UploadToFileSearchStoreOperation,
  max = 10,
): Promise<UploadToFileSearchStoreOperation> {
  let current = op;
  for (let i = 0; i < max && !current.done && !current.response && !current.error; i++) {
    current = await ai.operations.get({ operation: current });
  }
  return current;
}

function upload(text: string | Buffer, config: Record<string, unknown> = {}, type = 'text/plain') {
  return ai.fileSearchStores.uploadToFileSearchStore({
    fileSearchStoreName: storeName,
    file: new Blob([text], { type }),
    config,
  });
}

describe('Gemini simulator: resumable upload through the SDK', () => {
  it('when a Blob is uploaded with customMetadata, then the operation finishes after operationPolls GETs and names the document', async () => {
    const op = await upload('Доставка по Москве 300 рублей.', {
      displayName: 'Доставка',
      customMetadata: [
        { key: 'doc_id', stringValue: 'd1' },
        { key: 'price', numericValue: 300 },
        { key: 'tags', stringListValue: { values: ['a', 'b'] } },
      ],
    });
    expect(op.name).toMatch(new RegExp(`^${storeName}/upload/operations/[a-z0-9-]+$`));
    expect(op.done).toBeUndefined();
    const first = await poll(op);
    expect(first.done).toBeUndefined();
    expect(sim.documents(storeName)[0]?.state).toBe('STATE_PENDING');
    const second = await poll(first);
    expect(second.done).toBe(true);
    expect(second.response?.parent).toBe(storeName);
    const docName = second.response?.documentName;
    expect(docName).toMatch(new RegExp(`^${storeName}/documents/[a-z0-9-]+$`));
    expect(docName).not.toBe(op.name);
    const doc = await ai.fileSearchStores.documents.get({ name: docName! });
    expect(doc).toMatchObject({
      name: docName,
      displayName: 'Доставка',
      state: 'STATE_ACTIVE',
      sizeBytes: String(Buffer.byteLength('Доставка по Москве 300 рублей.')),
      mimeType: 'text/plain',
    });
    expect(doc.customMetadata).toEqual([
      { key: 'doc_id', stringValue: 'd1' },
      { key: 'price', numericValue: 300 },
      { key: 'tags', stringListValue: { values: ['a', 'b'] } },
    ]);
    const start = sim.calls.find(':uploadToFileSearchStore', 'POST')[0];
    expect(start?.headers['x-goog-upload-protocol']).toBe('resumable');
    expect(start?.headers['x-goog-upload-command']).toBe('start');
  });

  it('when a file path is uploaded, then mime type and display name come from the file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gemini-sim-'));
    const path = join(dir, 'faq.txt');
    await writeFile(path, 'FAQ\n\nГарантия 12 месяцев.');
    const op = await ai.fileSearchStores.uploadToFileSearchStore({
      fileSearchStoreName: storeName,
      file: path,
    });
    const done = await waitDone(op);
    const doc = await ai.fileSearchStores.documents.get({ name: done.response!.documentName! });
    expect(doc.displayName).toBe('faq.txt');
    expect(doc.mimeType).toBe('text/plain');
    expect(sim.documentText(doc.name!)).toContain('Гарантия 12 месяцев.');
  });

  it('when a .md path is uploaded, then the SDK itself needs config.mimeType (it cannot infer Markdown)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gemini-sim-'));
    const path = join(dir, 'faq.md');
    await writeFile(path, '# FAQ');
    await expect(
      ai.fileSearchStores.uploadToFileSearchStore({ fileSearchStoreName: storeName, file: path }),
    ).rejects.toThrow(/mimeType/);
    const op = await ai.fileSearchStores.uploadToFileSearchStore({
      fileSearchStoreName: storeName,
      file: path,
      config: { mimeType: 'text/markdown' },
    });
    const doc = await ai.fileSearchStores.documents.get({
      name: (await waitDone(op)).response!.documentName!,
    });
    expect(doc).toMatchObject({ displayName: 'faq.md', mimeType: 'text/markdown' });
  });

  it('when a poller resumes from a stored operation name, then UploadToFileSearchStoreOperation with that name works', async () => {
    const op = await upload('text');
    const resumed = Object.assign(new UploadToFileSearchStoreOperation(), { name: op.name });
    const done = await waitDone(resumed);
    expect(done.done).toBe(true);
    expect(done.response?.documentName).toBeTruthy();
  });

  it('when operationPolls is 0, then the upload answer itself is done', async () => {
    sim.settings.operationPolls = 0;
    const op = await upload('text');
    expect(op.done).toBe(true);
    expect(op.response?.documentName).toMatch(/documents\//);
  });

  it('when omitDone is set, then a finished operation carries response without done', async () => {
    sim.settings.omitDone = true;
    const op = await upload('text');
    const b = await poll(await poll(op));
    expect(b.done).toBeUndefined();
    expect(b.response?.documentName).toMatch(/documents\//);
  });

  it('when the same bytes are uploaded twice, then there are two documents', async () => {
    await waitDone(await upload('same'));
    await waitDone(await upload('same'));
    const pager = await ai.fileSearchStores.documents.list({ parent: storeName });
    expect(pager.page).toHaveLength(2);
    expect(new Set(pager.page.map((d) => d.name)).size).toBe(2);
  });

  it('when bytes are application/octet-stream, then the operation ends with error and the document is STATE_FAILED', async () => {
    const op = await upload(Buffer.from([0, 1, 2, 255]), {}, 'application/octet-stream');
    const done = await waitDone(op);
    expect(done.done).toBe(true);
    expect(done.error).toMatchObject({ code: 3 });
    expect(done.response).toBeUndefined();
    const [doc] = sim.documents(storeName);
    expect(doc?.state).toBe('STATE_FAILED');
    expect((await ai.fileSearchStores.get({ name: storeName })).failedDocumentsCount).toBe('1');
  });

  it('when text/plain bytes are not valid UTF-8, then indexing fails', async () => {
    const done = await waitDone(await upload(Buffer.from([0xc3, 0x28, 0xa0, 0xa1])));
    expect(done.error).toBeDefined();
    expect(sim.documents(storeName)[0]?.state).toBe('STATE_FAILED');
  });

  it('when failNextIndexing is armed, then the next good upload fails and the one after succeeds', async () => {
    sim.failNextIndexing(1, 'boom');
    const bad = await waitDone(await upload('good text'));
    expect(bad.error).toMatchObject({ message: 'boom' });
    const good = await waitDone(await upload('good text'));
    expect(good.error).toBeUndefined();
    expect(good.done).toBe(true);
  });

  it('when customMetadata has 21 entries, then the start request is rejected with 400', async () => {
    const customMetadata = Array.from({ length: 21 }, (_, i) => ({ key: `k${i}`, stringValue: 'v' }));
    const e = await upload('x', { customMetadata }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(400);
    expect(sim.documents()).toHaveLength(0);
  });

  it('when a metadata entry has two values, then the start request is rejected with 400', async () => {
    const e = await upload('x', { customMetadata: [{ key: 'k', stringValue: 'v', numericValue: 1 }] }).catch(
      (err: unknown) => err,
    );
    expect((e as ApiError).status).toBe(400);
    expect((e as ApiError).message).toContain('exactly one of');
  });

  it('when chunkingConfig is given, then chunks follow maxTokensPerChunk and overlap', async () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    const done = await waitDone(
      await upload(words, {
        chunkingConfig: { whiteSpaceConfig: { maxTokensPerChunk: 30, maxOverlapTokens: 5 } },
      }),
    );
    const chunks = sim.chunks(done.response!.documentName!);
    expect(chunks.length).toBe(4);
    expect(chunks[0]!.split(' ')).toHaveLength(30);
    expect(chunks[1]!.startsWith('w25 ')).toBe(true);
    expect(chunks.at(-1)!.endsWith('w99')).toBe(true);
  });

  it('when maxTokensPerChunk is outside the bounds, then 400 unless the bounds check is off', async () => {
    const bad = { chunkingConfig: { whiteSpaceConfig: { maxTokensPerChunk: 5000 } } };
    const e = await upload('x', bad).catch((err: unknown) => err);
    expect((e as ApiError).status).toBe(400);
    sim.settings.chunkTokenBounds = null;
    await expect(upload('x', bad)).resolves.toBeDefined();
  });

  it('when the store does not exist, then the upload start fails', async () => {
    const e = await ai.fileSearchStores
      .uploadToFileSearchStore({
        fileSearchStoreName: 'fileSearchStores/nope-1',
        file: new Blob(['x'], { type: 'text/plain' }),
      })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ApiError);
    expect([403, 404]).toContain((e as ApiError).status);
  });
});

describe('Gemini simulator: documents', () => {
  it('when 23 documents exist, then the documents pager walks pages of at most 20', async () => {
    sim.settings.operationPolls = 0;
    for (let i = 0; i < 23; i++) await upload(`doc ${i}`, { displayName: `d${i}` });
    const pager = await ai.fileSearchStores.documents.list({ parent: storeName, config: { pageSize: 50 } });
    expect(pager.page).toHaveLength(20);
    const names: string[] = [];
    for await (const d of pager) names.push(d.displayName!);
    expect(names).toEqual(Array.from({ length: 23 }, (_, i) => `d${i}`));
  });

  it('when an indexed document is deleted without force, then 400 FAILED_PRECONDITION; with force it is gone', async () => {
    const done = await waitDone(await upload('some words here'));
    const name = done.response!.documentName!;
    const e = await ai.fileSearchStores.documents.delete({ name }).catch((err: unknown) => err);
    expect((e as ApiError).status).toBe(400);
    expect(JSON.parse((e as ApiError).message).error.status).toBe('FAILED_PRECONDITION');
    await ai.fileSearchStores.documents.delete({ name, config: { force: true } });
    const gone = await ai.fileSearchStores.documents.get({ name }).catch((err: unknown) => err);
    expect((gone as ApiError).status).toBe(404);
    expect(sim.documents(storeName)).toHaveLength(0);
  });

  it('when a store has no documents, then list returns an empty page (the API sends {})', async () => {
    const pager = await ai.fileSearchStores.documents.list({ parent: storeName });
    expect(pager.page).toEqual([]);
  });
});

describe('Gemini simulator: the upload protocol on the wire', () => {
  async function start(size: number, extra: Record<string, string> = {}): Promise<string> {
    const res = await fetch(`${sim.url}/upload/v1beta/${storeName}:uploadToFileSearchStore`, {
      method: 'POST',
      headers: {
        'x-goog-api-key': sim.apiKey,
        'content-type': 'application/json',
        'x-goog-upload-protocol': 'resumable',
        'x-goog-upload-command': 'start',
        'x-goog-upload-header-content-length': String(size),
        'x-goog-upload-header-content-type': 'text/plain',
        ...extra,
      },
      body: JSON.stringify({ displayName: 'wire' }),
    });
    expect(res.status).toBe(200);
    const url = res.headers.get('x-goog-upload-url');
    expect(url).toMatch(/upload_id=/);
    return url!;
  }

  function send(url: string, command: string, offset: number, bytes: string) {
    return fetch(url, {
      method: 'POST',
      headers: { 'x-goog-upload-command': command, 'x-goog-upload-offset': String(offset) },
      body: bytes,
    });
  }

  it('when chunks arrive with upload then upload, finalize, then the last answer is final with the operation', async () => {
    const url = await start(10);
    const a = await send(url, 'upload', 0, 'hello');
    expect(a.headers.get('x-goog-upload-status')).toBe('active');
    const b = await send(url, 'upload, finalize', 5, 'world');
    expect(b.headers.get('x-goog-upload-status')).toBe('final');
    const op = (await b.json()) as { name: string };
    expect(op.name).toMatch(/\/upload\/operations\//);
    sim.completeOperations();
    expect(sim.documentText(sim.documents(storeName)[0]!.name)).toBe('helloworld');
  });

  it('when X-Goog-Upload-Offset is wrong, then 400 and the session keeps its bytes', async () => {
    const url = await start(10);
    await send(url, 'upload', 0, 'hello');
    const bad = await send(url, 'upload', 3, 'world');
    expect(bad.status).toBe(400);
    const query = await fetch(url, { method: 'POST', headers: { 'x-goog-upload-command': 'query' } });
    expect(query.headers.get('x-goog-upload-size-received')).toBe('5');
  });

  it('when fewer bytes arrive than declared, then finalize fails and no document is made', async () => {
    const url = await start(100);
    const res = await send(url, 'upload, finalize', 0, 'short');
    expect(res.status).toBe(400);
    expect(sim.documents()).toHaveLength(0);
  });

  it('when the start request lacks the resumable protocol header, then 400', async () => {
    const res = await fetch(`${sim.url}/upload/v1beta/${storeName}:uploadToFileSearchStore`, {
      method: 'POST',
      headers: { 'x-goog-api-key': sim.apiKey, 'x-goog-upload-command': 'start' },
      body: '{}',
    });
    expect(res.status).toBe(400);
  });
});

describe('Gemini simulator: text extraction', () => {
  it('when a simple PDF (plain or Flate, Tj or TJ) is uploaded, then its text is indexed', async () => {
    sim.settings.operationPolls = 0;
    const lines = ['Гарантия 12 месяцев.', 'Delivery takes two days.'];
    for (const opts of [{}, { compress: true }, { useTJ: true, compress: true }]) {
      const op = await upload(makeSimplePdf(lines, opts), { displayName: 'p.pdf' }, 'application/pdf');
      const text = sim.documentText(op.response!.documentName!);
      expect(text).toBe('Гарантия 12 месяцев.\nDelivery takes two days.');
    }
  });

  it('when HTML is uploaded, then tags, scripts and entities are gone', async () => {
    sim.settings.operationPolls = 0;
    const op = await upload(
      '<html><script>var x=1</script><p>Цена&nbsp;100 &amp; скидка</p><div>Вторая</div></html>',
      {},
      'text/html',
    );
    expect(sim.documentText(op.response!.documentName!)).toBe('Цена 100 & скидка\nВторая');
  });

  it('when a DOCX is uploaded, then its paragraphs are indexed', async () => {
    sim.settings.operationPolls = 0;
    const op = await upload(
      makeDocx(['Первый абзац.', 'Second paragraph.']),
      {},
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(sim.documentText(op.response!.documentName!)).toBe('Первый абзац.\nSecond paragraph.');
  });
});
