/** Collecting an SDK paginator's pages: every page in order, items picked, undefined left out. */
import t from 'tap';
import { allPages, collect } from '../../../../hooks/shared/paginate.js';

/** A paginator over these pages, counting the pages it was asked for. */
function pager<Page>(pages: Page[]): AsyncIterable<Page> & { asked: number } {
  const it = {
    asked: 0,
    async *[Symbol.asyncIterator]() {
      for (const page of pages) {
        it.asked++;
        yield await Promise.resolve(page);
      }
    },
  };
  return it;
}

t.test('allPages: every page, in order', async (t) => {
  const pages = pager([{ n: 1 }, { n: 2 }, { n: 3 }]);
  t.same(await allPages(pages), [{ n: 1 }, { n: 2 }, { n: 3 }]);
  t.equal(pages.asked, 3);
  t.same(await allPages(pager([])), [], 'no page');
});

t.test('collect: the items of every page, in order; pages without items and undefined items add nothing', async (t) => {
  const pages = pager<{ Items?: (string | undefined)[] }>([{ Items: ['a', 'b'] }, {}, { Items: [undefined, 'c'] }, { Items: [] }]);
  t.same(await collect(pages, (p) => p.Items), ['a', 'b', 'c']);
  t.equal(pages.asked, 4, 'every page read');
  t.same(await collect(pager([{ Roles: [{ RoleName: 'r1' }, {}] }]), (p) => p.Roles.map((r: { RoleName?: string }) => r.RoleName)), ['r1']);
});

t.test('collect: a failing page fails the whole collection', async (t) => {
  const failing: AsyncIterable<{ Items: string[] }> = {
    async *[Symbol.asyncIterator]() {
      yield await Promise.resolve({ Items: ['a'] });
      throw new Error('Throttling');
    },
  };
  await t.rejects(
    collect(failing, (p) => p.Items),
    { message: 'Throttling' },
  );
});
