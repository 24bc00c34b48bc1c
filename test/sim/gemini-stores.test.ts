import { ApiError, GoogleGenAI } from '@google/genai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';

let sim: GeminiSim;

function client(opts: { apiKey?: string; apiVersion?: string } = {}): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: opts.apiKey ?? sim.apiKey,
    apiVersion: opts.apiVersion ?? 'v1beta',
    httpOptions: { baseUrl: sim.url },
  });
}

async function apiError(
  p: Promise<unknown>,
): Promise<{ status: number; body: { error: Record<string, unknown> } }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  const err = e as ApiError;
  return { status: err.status, body: JSON.parse(err.message) as { error: Record<string, unknown> } };
}

beforeEach(async () => {
  sim = await startGeminiSim();
});

afterEach(async () => {
  await sim.close();
});

describe('Gemini simulator: API key and routing', () => {
  it('when the key is wrong, then the SDK gets 400 INVALID_ARGUMENT with an API_KEY_INVALID ErrorInfo', async () => {
    const { status, body } = await apiError(
      client({ apiKey: 'nope' }).fileSearchStores.create({ config: {} }),
    );
    expect(status).toBe(400);
    expect(body.error.status).toBe('INVALID_ARGUMENT');
    expect(body.error.code).toBe(400);
    expect(body.error.message).toBe('API key not valid. Please pass a valid API key.');
    const details = body.error.details as Array<Record<string, unknown>>;
    expect(details[0]).toMatchObject({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
    });
    expect(sim.stores()).toEqual([]);
  });

  it('when no key is sent, then the answer is 403 PERMISSION_DENIED', async () => {
    const res = await fetch(`${sim.url}/v1beta/fileSearchStores`);
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { status: string; code: number } };
    expect(body.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
  });

  it('when the key comes as ?key=, then it is accepted like the header', async () => {
    const res = await fetch(`${sim.url}/v1/fileSearchStores?key=${sim.apiKey}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });

  it('when a path is unknown, then the answer is 404 NOT_FOUND in Google error shape', async () => {
    const res = await fetch(`${sim.url}/v1beta/nothingHere`, { headers: { 'x-goog-api-key': sim.apiKey } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { status: string } };
    expect(body.error.status).toBe('NOT_FOUND');
    const other = await fetch(`${sim.url}/v2/fileSearchStores`, {
      headers: { 'x-goog-api-key': sim.apiKey },
    });
    expect(other.status).toBe(404);
  });

  it('when calls are made, then the call log records method, path, key header and status', async () => {
    await client().fileSearchStores.create({ config: { displayName: 'x' } });
    const [call] = sim.calls.find('/v1beta/fileSearchStores', 'POST');
    expect(call?.headers['x-goog-api-key']).toBe(sim.apiKey);
    expect(call?.body).toEqual({ displayName: 'x' });
    expect(call?.status).toBe(200);
  });
});

describe('Gemini simulator: File Search stores', () => {
  it('when a store is created, then its id derives from displayName with a random suffix and counters are int64 strings', async () => {
    const ai = client();
    const store = await ai.fileSearchStores.create({ config: { displayName: 'Seller Docs: Main / 2026!' } });
    expect(store.name).toMatch(/^fileSearchStores\/seller-docs-main-2026-[a-z0-9]{12}$/);
    expect(store.name!.length - 'fileSearchStores/'.length).toBeLessThanOrEqual(40);
    expect(store.displayName).toBe('Seller Docs: Main / 2026!');
    expect(Date.parse(store.createTime!)).not.toBeNaN();
    const got = await ai.fileSearchStores.get({ name: store.name! });
    expect(got).toMatchObject({ name: store.name, displayName: store.displayName });
    await ai.fileSearchStores.uploadToFileSearchStore({
      fileSearchStoreName: store.name!,
      file: new Blob(['hello world'], { type: 'text/plain' }),
    });
    const pending = await ai.fileSearchStores.get({ name: store.name! });
    expect(pending.pendingDocumentsCount).toBe('1');
    expect(pending.sizeBytes).toBe('11');
    sim.completeOperations();
    const active = await ai.fileSearchStores.get({ name: store.name! });
    expect(active.activeDocumentsCount).toBe('1');
    expect(active.pendingDocumentsCount).toBeUndefined();
  });

  it('when a very long display name is used, then the id is still at most 40 characters of [a-z0-9-]', async () => {
    const store = await client().fileSearchStores.create({
      config: { displayName: 'А'.repeat(30) + 'x'.repeat(60) },
    });
    const id = store.name!.replace('fileSearchStores/', '');
    expect(id.length).toBeLessThanOrEqual(40);
    expect(id).toMatch(/^[a-z0-9-]+$/);
  });

  it('when 25 stores exist and pageSize is 10, then the SDK pager walks 3 pages and sees all 25', async () => {
    const ai = client();
    for (let i = 0; i < 25; i++) await ai.fileSearchStores.create({ config: { displayName: `s${i}` } });
    const pager = await ai.fileSearchStores.list({ config: { pageSize: 10 } });
    expect(pager.page).toHaveLength(10);
    const names: string[] = [];
    for await (const s of pager) names.push(s.displayName!);
    expect(names).toHaveLength(25);
    expect(new Set(names).size).toBe(25);
    const listCalls = sim.calls.find('/v1beta/fileSearchStores', 'GET');
    expect(listCalls).toHaveLength(3);
    expect(listCalls[1]?.query.pageToken).toBeTruthy();
  });

  it('when pageSize is above 20, then a page holds at most 20', async () => {
    const ai = client();
    for (let i = 0; i < 22; i++) await ai.fileSearchStores.create({ config: { displayName: `s${i}` } });
    const pager = await ai.fileSearchStores.list({ config: { pageSize: 100 } });
    expect(pager.page).toHaveLength(20);
  });

  it('when a page token is garbage, then the answer is 400 INVALID_ARGUMENT', async () => {
    const { status } = await apiError(client().fileSearchStores.list({ config: { pageToken: 'garbage' } }));
    expect(status).toBe(400);
  });

  it('when a store with documents is deleted without force, then 400 FAILED_PRECONDITION; with force it goes', async () => {
    const ai = client();
    const store = await ai.fileSearchStores.create({ config: { displayName: 'to delete' } });
    await ai.fileSearchStores.uploadToFileSearchStore({
      fileSearchStoreName: store.name!,
      file: new Blob(['text'], { type: 'text/plain' }),
    });
    const { status, body } = await apiError(ai.fileSearchStores.delete({ name: store.name! }));
    expect(status).toBe(400);
    expect(body.error.status).toBe('FAILED_PRECONDITION');
    expect(sim.stores()).toHaveLength(1);
    await ai.fileSearchStores.delete({ name: store.name!, config: { force: true } });
    expect(sim.stores()).toHaveLength(0);
    expect(sim.documents()).toHaveLength(0);
  });

  it('when an empty store is deleted without force, then it is deleted', async () => {
    const ai = client();
    const store = await ai.fileSearchStores.create({ config: {} });
    expect(store.name).toMatch(/^fileSearchStores\/[a-z0-9]{12}$/);
    await ai.fileSearchStores.delete({ name: store.name! });
    expect(sim.stores()).toHaveLength(0);
  });

  it('when a missing store is read, then 403 PERMISSION_DENIED by default and 404 when set so', async () => {
    const ai = client();
    const first = await apiError(ai.fileSearchStores.get({ name: 'fileSearchStores/missing-123' }));
    expect(first.status).toBe(403);
    sim.settings.missingStoreStatus = 404;
    const second = await apiError(ai.fileSearchStores.get({ name: 'fileSearchStores/missing-123' }));
    expect(second.status).toBe(404);
    expect(second.body.error.status).toBe('NOT_FOUND');
  });

  it('when the SDK uses apiVersion v1, then the same store calls work under /v1/', async () => {
    const ai = client({ apiVersion: 'v1' });
    const store = await ai.fileSearchStores.create({ config: { displayName: 'v1 store' } });
    expect((await ai.fileSearchStores.get({ name: store.name! })).displayName).toBe('v1 store');
    expect(sim.calls.find(/^\/v1\/fileSearchStores/).length).toBe(2);
    expect(sim.calls.find(/^\/v1beta\//)).toHaveLength(0);
  });

  it('when create gets an unknown field, then 400 INVALID_ARGUMENT names it', async () => {
    const res = await fetch(`${sim.url}/v1beta/fileSearchStores`, {
      method: 'POST',
      headers: { 'x-goog-api-key': sim.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'x', colour: 'red' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain('Unknown name "colour"');
  });
});
