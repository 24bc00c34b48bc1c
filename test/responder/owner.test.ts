import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createOwnerControls } from '../../src/responder/owner.js';
import type { OwnerControls } from '../../src/responder/ports.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { RecordingNotifier } from '../support/recording-notifier.js';

const dir = mkdtempSync(join(tmpdir(), 'owner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let run = 0;
function setUp() {
  run += 1;
  const store = openSqliteStore({ path: join(dir, `store-${run}.sqlite`) });
  const notifier = new RecordingNotifier();
  const owner: OwnerControls = createOwnerControls({
    store,
    config: loadConfig({ DATA_DIR: dir, MODE: 'review' }),
    logger: createLogger({ level: 'silent' }),
    notifier,
  });
  return { store, notifier, owner };
}

describe('owner controls (the responder’s use cases behind /mode, /pause, /chats)', () => {
  let s: ReturnType<typeof setUp>;
  beforeEach(() => {
    s = setUp();
  });
  afterEach(() => s.store.close());

  it('when the owner sets the mode twice to the same value, then it is audited once and the configured mode no longer applies', async () => {
    expect(await s.owner.mode()).toEqual({ mode: 'review', paused: false });
    await s.owner.setMode('auto', 'tg:1');
    await s.owner.setMode('auto', 'tg:1');
    expect(await s.owner.mode()).toEqual({ mode: 'auto', paused: false });
    const audit = await s.store.audit.query({ action: 'settings.mode' });
    expect(audit.map((a) => [a.actor, a.before, a.after])).toEqual([['tg:1', 'review', 'auto']]);
  });

  it('when the owner pauses and resumes, then the pause shows in the mode and both are audited', async () => {
    expect(await s.owner.setPaused(true, 'tg:1')).toEqual({ mode: 'review', paused: true });
    expect(await s.owner.setPaused(false, 'tg:2')).toEqual({ mode: 'review', paused: false });
    const audit = await s.store.audit.query({});
    expect(audit.map((a) => [a.actor, a.action]).reverse()).toEqual([
      ['tg:1', 'settings.pause'],
      ['tg:2', 'settings.resume'],
    ]);
  });

  it('when the owner sets a chat’s own mode and clears it, then the chat follows it and the owner’s mode again', async () => {
    await s.store.chats.upsert({ id: 'u2i-mode' });
    expect(await s.owner.setChatMode('u2i-missing', 'auto', 'tg:1')).toBeNull();
    expect((await s.owner.setChatMode('u2i-mode', 'auto', 'tg:1'))?.mode).toBe('auto');
    expect((await s.owner.setChatMode('u2i-mode', null, 'tg:1'))?.mode).toBeNull();
    const audit = await s.store.audit.query({ chatId: 'u2i-mode', action: 'chat.mode' });
    expect(audit.map((a) => [a.before, a.after]).reverse()).toEqual([
      [null, 'auto'],
      ['auto', null],
    ]);
  });

  it('when /chats resends a pending card, then the new card is the draft’s card; a draft that is gone gets none', async () => {
    await s.store.chats.upsert({ id: 'u2i-cards' });
    const draft = await s.store.drafts.create({ chatId: 'u2i-cards', kind: 'answer', text: 'Да.' });
    expect((await s.owner.pendingDrafts(20)).map((d) => d.id)).toEqual([draft.id]);

    const card = await s.owner.resendCard(draft.id);
    expect(card).not.toBeNull();
    expect((await s.store.drafts.get(draft.id))?.card).toEqual(card);
    expect(s.notifier.reposts.map((d) => d.id)).toEqual([draft.id]);
    expect(await s.owner.resendCard('no-such-draft')).toBeNull();
  });
});
