import { GroupCommitter } from './transactional-slice';

interface Item {
  name: string;
  messages: number[];
}

const item = (name: string, size = 1): Item => ({ name, messages: Array.from({ length: size }) });

describe('GroupCommitter', () => {
  it('commits a lone item at once, in a transaction of its own', async () => {
    const groups: string[][] = [];
    const committer = new GroupCommitter<Item>(100, async (items) => {
      groups.push(items.map((i) => i.name));
    });
    await committer.submit(item('a'));
    expect(groups).toEqual([['a']]);
  });

  it('items handed in while a transaction is in flight share the next one, in order', async () => {
    const groups: string[][] = [];
    let release: () => void = () => undefined;
    const committer = new GroupCommitter<Item>(100, async (items) => {
      groups.push(items.map((i) => i.name));
      if (groups.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = committer.submit(item('a'));
    await new Promise((r) => setImmediate(r));
    const rest = ['b', 'c', 'd'].map((n) => committer.submit(item(n)));
    release();
    await Promise.all([first, ...rest]);
    expect(groups).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('never puts more than the limit in one transaction, but always takes at least one item', async () => {
    const groups: string[][] = [];
    const committer = new GroupCommitter<Item>(5, async (items) => {
      groups.push(items.map((i) => i.name));
    });
    await Promise.all([
      committer.submit(item('a', 3)),
      committer.submit(item('b', 2)),
      committer.submit(item('c', 1)),
      committer.submit(item('big', 9)),
    ]);
    expect(groups).toEqual([['a', 'b'], ['c'], ['big']]);
  });

  it('a failed transaction fails every item in it, and the next one goes ahead', async () => {
    let calls = 0;
    const committer = new GroupCommitter<Item>(100, async () => {
      calls += 1;
      if (calls === 1) throw new Error('broker gone');
    });
    const failed = [committer.submit(item('a')), committer.submit(item('b'))];
    for (const f of failed) await expect(f).rejects.toThrow('broker gone');
    await expect(committer.submit(item('c'))).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
