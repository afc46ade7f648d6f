/**
 * Collecting an AWS SDK v3 paginator's pages (`paginateListX`): the paginators follow the
 * service's continuation tokens (IAM's IsTruncated/Marker, NextToken elsewhere) for us.
 */

/** Every page of a paginator, in order. */
export async function allPages<Page>(pages: AsyncIterable<Page>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** The items `itemsOf` picks from every page, in order, with undefined items left out. */
export async function collect<Page, Item>(pages: AsyncIterable<Page>, itemsOf: (page: Page) => readonly (Item | undefined)[] | undefined): Promise<Item[]> {
  const out: Item[] = [];
  for await (const page of pages) for (const item of itemsOf(page) ?? []) if (item !== undefined) out.push(item);
  return out;
}
