/**
 * The page's side of mailbox moves, without a browser: the jobs store merges pushed changes with
 * listings without stepping back; a late dialog answer is dropped; picks of users (one by one, a
 * range, all results, cleared by a new search); what a drag carries and what a drop accepts
 * (our payload, addresses in plain text, nothing from a payload that is not ours); and every job
 * and refusal said in words in Japanese and English.
 */
import { describe, expect, it } from 'vitest';
import { moveRefusalCodes } from '../../agent/common/contract/move-contract';
import type { MoveJob, MovePlan } from '../../main/console/console-contract';
import { translator } from '../../renderer/src/i18n/translate';
import { createDirectoryStore } from '../../renderer/src/store/directory/directory-store';
import { userSelectionOf } from '../../renderer/src/store/directory/selection-slice';
import { movableUsers } from '../../renderer/src/store/moves/move-dialog-slice';
import {
  activeJobOf,
  canCancel,
  canRollBack,
  runningBatches,
} from '../../renderer/src/store/moves/move-jobs-slice';
import { createMovesStore } from '../../renderer/src/store/moves/moves-store';
import { storesServedBy } from '../../renderer/src/store/moves/store-list-slice';
import {
  addressesInText,
  mayCarryUsers,
  readUsersDrop,
  usersDragType,
  writeUsersDrag,
} from '../../renderer/src/views/moves/move-drag';
import { copiedShare, jobFigures, jobResult, refusalWords } from '../../renderer/src/views/moves/move-words';

const en = translator('en');
const ja = translator('ja');

function job(over: Partial<MoveJob> & { job: string }): MoveJob {
  return {
    batch: 'mb-store02-1',
    user: 'sato@example.ac.jp',
    source: 'store01',
    target: 'store02',
    node: 'store02',
    phase: 'copy',
    requestedBy: 'sys',
    createdAt: 1_000,
    progress: {
      folders: 3,
      messagesTotal: 1204,
      messagesCopied: 301,
      bytesTotal: 88 * 1024 * 1024,
      bytesCopied: 22 * 1024 * 1024,
      rateBytesPerSecond: 4 * 1024 * 1024,
      etaSeconds: 16,
    },
    rounds: 0,
    result: '',
    ...over,
  };
}

const emptyList = { jobs: [], batches: [], keptCopies: [], failures: [] };

/** A stand-in DataTransfer: the page's drag data, as the browser keeps it. */
class DragData {
  readonly data = new Map<string, string>();
  effectAllowed = 'none';
  setData(type: string, value: string): void {
    this.data.set(type, value);
  }
  getData(type: string): string {
    return this.data.get(type) ?? '';
  }
}

describe('move jobs in the page', () => {
  it('keeps a job pushed after a listing was asked when that older listing arrives', () => {
    const store = createMovesStore();
    const asked = store.getState().askList();
    store.getState().receiveProgress(job({ job: 'mv-a', phase: 'catch-up' }));
    // The listing was taken before that push: it still says copy, and has no job mv-b.
    store.getState().receiveList({ ...emptyList, jobs: [job({ job: 'mv-a', phase: 'copy' })] }, asked, 5);
    expect(store.getState().jobs.map((j) => [j.job, j.phase])).toEqual([['mv-a', 'catch-up']]);
    // A listing asked after the push is the newer word.
    const later = store.getState().askList();
    store.getState().receiveList({ ...emptyList, jobs: [job({ job: 'mv-a', phase: 'done' })] }, later, 6);
    expect(store.getState().jobs[0]!.phase).toBe('done');
    // A job neither listed nor pushed since is gone.
    const last = store.getState().askList();
    store.getState().receiveList(emptyList, last, 7);
    expect(store.getState().jobs).toEqual([]);
  });

  it('keeps a pushed job that a listing asked before it started does not have yet', () => {
    const store = createMovesStore();
    const asked = store.getState().askList();
    store.getState().receiveProgress(job({ job: 'mv-new', createdAt: 2_000 }));
    store.getState().receiveList({ ...emptyList, jobs: [job({ job: 'mv-old' })] }, asked, 5);
    // Newest first.
    expect(store.getState().jobs.map((j) => j.job)).toEqual(['mv-new', 'mv-old']);
  });

  it('does not let the answer of a start undo a push that came before it', () => {
    const store = createMovesStore();
    store.getState().receiveProgress(job({ job: 'mv-a', phase: 'catch-up' }));
    store
      .getState()
      .receiveStarted([job({ job: 'mv-a', phase: 'waiting' }), job({ job: 'mv-b', phase: 'waiting' })]);
    expect(store.getState().jobs.find((j) => j.job === 'mv-a')?.phase).toBe('catch-up');
    expect(store.getState().jobs.find((j) => j.job === 'mv-b')?.phase).toBe('waiting');
  });

  it('offers cancel before the switch-over and rollback while the old copy is kept, once', () => {
    const now = 10_000;
    const done = job({ job: 'mv-a', phase: 'done', sourceCopyKeptUntil: now + 1 });
    expect(canRollBack(done, [done], now)).toBe(true);
    expect(canRollBack({ ...done, sourceCopyKeptUntil: now }, [done], now)).toBe(false);
    expect(canRollBack({ ...done, phase: 'failed' }, [done], now)).toBe(false);
    const back = job({ job: 'mv-b', phase: 'copy', rollbackOf: 'mv-a' });
    expect(canRollBack(done, [back, done], now)).toBe(false);
    // A rollback that failed leaves the first move undoable again.
    expect(canRollBack(done, [{ ...back, phase: 'failed' }, done], now)).toBe(true);
    // A move back is not moved back in turn.
    expect(canRollBack({ ...back, phase: 'done', sourceCopyKeptUntil: now + 1 }, [back, done], now)).toBe(
      false,
    );
    expect(['waiting', 'copy', 'catch-up', 'cutover'].every((phase) => canCancel({ phase } as MoveJob))).toBe(
      true,
    );
    expect(
      ['finishing', 'rolling-back', 'done', 'failed', 'cancelled'].some((p) =>
        canCancel({ phase: p } as MoveJob),
      ),
    ).toBe(false);
    expect(activeJobOf([done, back], 'sato@example.ac.jp')?.job).toBe('mv-b');
  });

  it('counts the batches still running from the jobs the page holds', () => {
    const jobs = [
      job({ job: 'mv-1', phase: 'done' }),
      job({ job: 'mv-2', phase: 'copy', createdAt: 900 }),
      job({ job: 'mv-3', phase: 'waiting' }),
      job({ job: 'mv-4', phase: 'failed' }),
      job({ job: 'mv-5', batch: 'mb-store03-2', phase: 'done', target: 'store03' }),
    ];
    expect(runningBatches(jobs)).toEqual([
      {
        batch: 'mb-store02-1',
        node: 'store02',
        target: 'store02',
        requestedBy: 'sys',
        createdAt: 900,
        jobs: 4,
        waiting: 1,
        running: 1,
        done: 1,
        failed: 1,
      },
    ]);
  });

  it('drops the answer to a dialog that was closed or replaced', () => {
    const store = createMovesStore();
    const first = store.getState().openDialog({ step: 'planning', to: 'store02', count: 3 });
    store.getState().closeDialog();
    store
      .getState()
      .advanceDialog(first, { step: 'failed', to: 'store02', error: { code: 'failed', message: 'x' } });
    expect(store.getState().dialog).toBeUndefined();
    const second = store.getState().openDialog({ step: 'planning', to: 'store03', count: 1 });
    store.getState().openDialog({ step: 'planning', to: 'store04', count: 1 });
    store
      .getState()
      .advanceDialog(second, { step: 'failed', to: 'store03', error: { code: 'failed', message: 'x' } });
    expect(store.getState().dialog).toEqual({ step: 'planning', to: 'store04', count: 1 });
  });

  it('starts only the users of a plan that can move, and finds the stores a server serves', () => {
    const plan = {
      users: [
        { user: 'a@x.jp', source: 'store01', messages: 1, bytes: 10 },
        {
          user: 'b@x.jp',
          source: 'store02',
          messages: 0,
          bytes: 0,
          refusal: { user: 'b@x.jp', code: 'same-store', reason: 'b@x.jp is already on store02' },
        },
      ],
    } as MovePlan;
    expect(movableUsers(plan)).toEqual(['a@x.jp']);
    const stores = [
      { store: 'store01', node: 'store01' },
      { store: 'store05', node: 'spare01' },
      { store: 'store06', node: 'spare01' },
    ];
    expect(storesServedBy(stores, 'spare01')).toEqual(['store05', 'store06']);
    expect(storesServedBy(stores, 'store09')).toEqual([]);
  });
});

describe('picking users', () => {
  it('picks one by one, adds ranges, and ends "all results" with the search it was made on', () => {
    const store = createDirectoryStore();
    store.getState().togglePicked('a@x.jp', 0);
    store.getState().pickRange(['a@x.jp', 'b@x.jp', 'c@x.jp'], 2);
    expect(userSelectionOf(store.getState())).toEqual({
      kind: 'users',
      addresses: ['a@x.jp', 'b@x.jp', 'c@x.jp'],
    });
    store.getState().togglePicked('b@x.jp', 1);
    expect(store.getState().selected).toEqual(['a@x.jp', 'c@x.jp']);
    expect(store.getState().anchor).toBe(1);
    const serial = store.getState().ask({ domain: 'x.jp' });
    store.getState().receiveBlock(serial, 0, 57, 100, []);
    store.getState().pickAllOfSearch();
    expect(userSelectionOf(store.getState())).toEqual({
      kind: 'query',
      query: { text: '', domain: 'x.jp', logicalStore: undefined },
      total: 57,
    });
    // Another search: "all results" was of the old one.
    store.getState().ask({ text: 'sato' });
    expect(userSelectionOf(store.getState())).toBeUndefined();
    store.getState().togglePicked('d@x.jp', 3);
    store.getState().clearPicks();
    expect(userSelectionOf(store.getState())).toBeUndefined();
  });
});

describe('dragging users', () => {
  it('carries the picked users as our payload and as plain text, and reads them back', () => {
    const data = new DragData();
    writeUsersDrag(data as unknown as DataTransfer, { kind: 'users', addresses: ['a@x.jp', 'b@x.jp'] });
    expect(data.getData('text/plain')).toBe('a@x.jp\nb@x.jp');
    expect(data.effectAllowed).toBe('move');
    expect(mayCarryUsers([...data.data.keys()])).toBe(true);
    expect(readUsersDrop(data)).toEqual({ kind: 'users', addresses: ['a@x.jp', 'b@x.jp'] });
    const all = new DragData();
    const query = { text: '佐藤', domain: 'x.jp', logicalStore: undefined };
    writeUsersDrag(all as unknown as DataTransfer, { kind: 'query', query, total: 57 });
    expect(readUsersDrop(all)).toEqual({ kind: 'query', query, total: 57 });
  });

  it('takes addresses out of plain text from elsewhere, once each, lower case', () => {
    const data = new DragData();
    data.setData('text/plain', 'Sato@X.jp, ito@x.jp\n"Sato" <sato@x.jp>; not an address');
    expect(readUsersDrop(data)).toEqual({ kind: 'users', addresses: ['sato@x.jp', 'ito@x.jp'] });
    expect(addressesInText('nothing here')).toEqual([]);
    expect(mayCarryUsers(['Files'])).toBe(false);
  });

  it('refuses a payload of our type that is not what we write', () => {
    for (const bad of [
      'not json',
      '[]',
      '{"addresses":[1,2]}',
      '{"query":{"text":"x"},"total":0}',
      '{"query":null,"total":3}',
    ]) {
      const data = new DragData();
      data.setData(usersDragType, bad);
      expect(readUsersDrop(data), bad).toBeUndefined();
    }
    const long = new DragData();
    long.setData(usersDragType, JSON.stringify({ query: { text: 'x'.repeat(500), domain: 7 }, total: 2 }));
    expect(readUsersDrop(long)).toEqual({
      kind: 'query',
      query: { text: 'x'.repeat(200), domain: undefined, logicalStore: undefined },
      total: 2,
    });
  });
});

describe('moves in words', () => {
  it('says a running job: phase, share copied, bytes, messages, speed, time left', () => {
    const running = job({ job: 'mv-a', phase: 'catch-up' });
    expect(copiedShare(running)).toBe(0.25);
    expect(jobFigures(en, running)).toEqual({
      phase: 'Copying the latest changes',
      percent: '25%',
      bytes: '22 MB of 88 MB',
      messages: '301 of 1,204 messages',
      rate: '4 MB/s',
      timeLeft: 'about 16 s',
      pause: '',
    });
    expect(jobFigures(ja, running)).toMatchObject({
      phase: '最新の変更をコピー中',
      messages: '1,204 通中 301 通',
      rate: '毎秒 4 MB',
      timeLeft: '約 16秒',
    });
    // Before any byte count is known, by messages.
    expect(
      copiedShare(job({ job: 'mv-b', progress: { ...running.progress, bytesTotal: 0, bytesCopied: 0 } })),
    ).toBeCloseTo(301 / 1204);
  });

  it('says what became of a job, in both languages', () => {
    const done = job({
      job: 'mv-a',
      phase: 'done',
      cutoverPauseMs: 1234,
      verified: { folders: 3, messages: 1204, bytes: 88 * 1024 * 1024 },
      finishedAt: 5_000,
    });
    expect(jobFigures(en, done).pause).toBe('1.2 s');
    expect(jobFigures(ja, done).pause).toBe('1.2 秒');
    expect(jobResult(en, done, [done])).toBe('Moved 1,204 messages (88 MB) to store02, all checked.');
    expect(jobResult(en, { ...done, verified: { folders: 1, messages: 1, bytes: 10 } }, [done])).toBe(
      'Moved 1 message (10 B) to store02, checked.',
    );
    expect(jobResult(ja, done, [done])).toBe('1,204 通（88 MB）を store02 へ移動し、すべて照合しました。');
    const back = job({
      job: 'mv-b',
      phase: 'done',
      rollbackOf: 'mv-a',
      source: 'store02',
      target: 'store01',
    });
    expect(jobResult(en, done, [back, done])).toBe(
      'Moved 1,204 messages (88 MB) to store02, all checked. Moved back to store01 afterwards.',
    );
    expect(jobResult(en, back, [back, done])).toBe('Moved back to store01.');
    const failed = job({ job: 'mv-c', phase: 'failed', error: 'store01 stopped answering' });
    expect(jobResult(en, failed, [failed])).toBe(
      'Undone: sato@example.ac.jp stays on store01. Why: store01 stopped answering',
    );
    expect(jobResult(ja, job({ job: 'mv-d', phase: 'cancelled' }), [])).toBe(
      '取り消しました。sato@example.ac.jp は store01 のままです。',
    );
    expect(jobResult(en, job({ job: 'mv-e' }), [])).toBe('');
  });

  it('says every refusal in words, naming the user and the store', () => {
    // Every code the agent may give, so a new one without words fails here.
    for (const code of moveRefusalCodes) {
      for (const tr of [en, ja]) {
        const words = refusalWords(tr, { user: 'ito@x.jp', code, reason: 'r' }, 'store02', 'store01');
        expect(words, `${tr.locale} ${code}`).not.toMatch(/\{\w+\}|move\.refusal/);
      }
    }
    expect(refusalWords(en, { user: 'ito@x.jp', code: 'same-store', reason: '' }, 'store02')).toBe(
      'ito@x.jp is already on store02.',
    );
    expect(
      refusalWords(ja, { user: 'ito@x.jp', code: 'source-down', reason: '' }, 'store02', 'store01'),
    ).toBe('ito@x.jp が今いるメール格納先（store01）のサーバーが応答しません。');
  });
});
