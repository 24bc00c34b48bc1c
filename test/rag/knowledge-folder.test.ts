import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createKnowledge } from '../../src/rag/index.js';
import { prepareKnowledgeFolder, projectFolderProblem } from '../../src/rag/knowledge-folder.js';
import { REPO_ROOT } from '../faults/harness.js';
import { eventually, startTestService, type TestService } from '../support/service.js';
import { silentLogger, tempStore, testConfig } from './helpers.js';

const run = promisify(execFile);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'knowledge-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the knowledge folder', () => {
  it("when DOCS_DIR names the project's own folders or the project itself, then it is refused; the seller's folders are not", () => {
    for (const own of ['docs', 'docs/reports', 'src', 'scripts', 'test/rag', 'node_modules', 'dist', '.git'])
      expect(projectFolderProblem(join(REPO_ROOT, own))).toMatch(/project's own/);
    expect(projectFolderProblem(REPO_ROOT)).toMatch(/project itself/);
    expect(projectFolderProblem(join(REPO_ROOT, '..'))).toMatch(/project itself/);
    for (const sellers of ['knowledge', 'examples/docs', 'data/uploads'])
      expect(projectFolderProblem(join(REPO_ROOT, sellers))).toBeUndefined();
    expect(projectFolderProblem(tempDir())).toBeUndefined();
  });

  it('when a refused folder is synced, then nothing is read and the documents already there stay', async () => {
    const { store, cleanup } = await tempStore();
    cleanups.push(cleanup);
    const seller = tempDir();
    writeFileSync(join(seller, 'Доставка.md'), '# Доставка\n\nДоставка по Москве 500 ₽.');
    const knowledge = createKnowledge({ config: testConfig(), store, logger: silentLogger });
    expect((await knowledge.syncFolder(seller)).added).toEqual(['Доставка.md']);

    const summary = await knowledge.syncFolder(join(REPO_ROOT, 'docs'));
    expect(summary).toMatchObject({ added: [], removed: [], failed: [{ reason: 'project_folder' }] });
    expect(summary.failed[0]?.message).toContain('DOCS_DIR');
    expect((await store.documents.list({ origin: 'folder' })).map((d) => d.sourceKey)).toEqual([
      'Доставка.md',
    ]);
  });

  it('when the folder is missing on a first run, then it is created; after documents came from it, it is not', async () => {
    const { store, cleanup } = await tempStore();
    cleanups.push(cleanup);
    const dir = join(tempDir(), 'knowledge');
    await prepareKnowledgeFolder({ dir, store, logger: silentLogger });
    expect(existsSync(dir)).toBe(true);

    writeFileSync(join(dir, 'Гарантия.md'), '# Гарантия\n\n12 месяцев.');
    await createKnowledge({ config: testConfig(), store, logger: silentLogger }).syncFolder(dir);
    rmSync(dir, { recursive: true });
    // A lost mount: not recreated empty (an empty folder would have its documents removed by the next sync).
    await prepareKnowledgeFolder({ dir, store, logger: silentLogger });
    expect(existsSync(dir)).toBe(false);
  });

  it("when the service starts with DOCS_DIR at the project's docs, then it says so and no buyer can be quoted them", async () => {
    const svc: TestService = await startTestService({ DOCS_DIR: join(REPO_ROOT, 'docs') });
    cleanups.push(() => svc.dispose());
    await eventually(() => svc.logs.some((l) => l.includes('documents folder refused')), 10_000);
    expect(await svc.store.documents.list({})).toEqual([]);
  });

  it("when npm run sync-docs is pointed at the project's docs (the old default), then it refuses with the reason and exits 1", async () => {
    const data = tempDir();
    const result = await run('npm', ['run', 'sync-docs'], {
      cwd: REPO_ROOT,
      env: { ...process.env, MODE: 'review', DATA_DIR: data, DOCS_DIR: './docs', LOG_LEVEL: 'silent' },
      timeout: 60_000,
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
      added: string[];
      failed: Array<{ reason: string; message: string }>;
    };
    expect(summary.added).toEqual([]);
    expect(summary.failed).toMatchObject([{ reason: 'project_folder' }]);
    expect(summary.failed[0]?.message).toContain("the project's own docs/ folder");
  });
});
