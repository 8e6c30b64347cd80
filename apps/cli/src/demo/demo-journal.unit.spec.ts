import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoJournal } from './demo-journal';

describe('the demo journal', () => {
  it('gives back the first body sent under a key, not the new one', () => {
    const journal = DemoJournal.inMemory();
    const first = { awareAt: '2026-12-06T10:00:00.000Z' };
    expect(journal.replay('op-kanto-electric', 'demo-incident-1', first)).toBe(first);
    expect(
      journal.replay('op-kanto-electric', 'demo-incident-1', { awareAt: '2026-12-07T10:00:00Z' }),
    ).toEqual(first);
  });

  it('keeps keys apart by principal', () => {
    const journal = DemoJournal.inMemory();
    journal.replay('member-1', 'vote', { vote: 'approve' });
    expect(journal.replay('member-2', 'vote', { vote: 'deny' })).toEqual({ vote: 'deny' });
  });

  it('a second run on the same file resends exactly what the first one sent', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'demo-journal-')), 'stack', 'journal.json');
    const firstRun = DemoJournal.open(file);
    const sent = firstRun.replay('gov-nco', 'demo-advisory-everyone', { expiresAt: 'first' });

    const secondRun = DemoJournal.open(file);
    expect(secondRun.replay('gov-nco', 'demo-advisory-everyone', { expiresAt: 'second' })).toEqual(
      sent,
    );
    expect(secondRun.replay('gov-nco', 'demo-advisory-new', { expiresAt: 'new' })).toEqual({
      expiresAt: 'new',
    });
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object)).toHaveLength(2);
  });

  it('without a file, remembers only for the run', () => {
    DemoJournal.open(undefined).replay('a', 'k', 1);
    expect(DemoJournal.open(undefined).replay('a', 'k', 2)).toBe(2);
  });
});
