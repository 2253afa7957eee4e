/**
 * A list call that can be awaited for one page or iterated for every item
 * (openai-node's PagePromise, cut to what WATS's `$top/$skip` paging needs).
 *
 * ```ts
 * const first = await wats.reports.queryHeaders({ top: 50 });   // one page
 * for await (const h of wats.reports.queryHeaders()) { ... }     // all pages
 * ```
 */
export class PagedQuery<T> implements PromiseLike<T[]>, AsyncIterable<T> {
  private firstPage: Promise<T[]> | undefined;

  /**
   * @param fetchPage fetches `top` items after skipping `skip`
   * @param first the first page's position and size
   * @param pageSize the page size used when iterating past the first page
   * @param keyOf identifies an item, so that an item seen twice (data moved
   *   between pages while iterating) is yielded once
   */
  private readonly fetchPage: (skip: number, top: number) => Promise<T[]>;
  private readonly first: { skip: number; top: number };
  private readonly pageSize: number;
  private readonly keyOf: ((item: T) => unknown) | undefined;
  private readonly limit: number | undefined;

  /**
   * @param fetchPage fetches `top` items after skipping `skip`
   * @param first the first page's position and size
   * @param pageSize the page size used when iterating
   * @param keyOf identifies an item, so that an item seen twice (data moved
   *   between pages while iterating) is yielded once
   * @param limit stop iterating after this many items
   */
  constructor(
    fetchPage: (skip: number, top: number) => Promise<T[]>,
    first: { skip: number; top: number },
    pageSize: number,
    keyOf?: (item: T) => unknown,
    limit?: number,
  ) {
    this.fetchPage = fetchPage;
    this.first = first;
    this.pageSize = pageSize;
    this.keyOf = keyOf;
    this.limit = limit;
  }

  then<R1 = T[], R2 = never>(
    onfulfilled?: ((value: T[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.firstPage ??= this.fetchPage(this.first.skip, this.first.top);
    return this.firstPage.then(onfulfilled, onrejected);
  }

  /** Every item of every page, fetched page by page as the loop asks for them. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const seen = this.keyOf ? new Set<unknown>() : undefined;
    let skip = this.first.skip;
    let yielded = 0;
    const max = this.limit ?? Number.POSITIVE_INFINITY;
    for (;;) {
      const top = Math.min(this.pageSize, max - yielded);
      if (top <= 0) return;
      const page = await this.fetchPage(skip, top);
      for (const item of page) {
        if (seen) {
          const key = this.keyOf!(item);
          if (seen.has(key)) continue;
          seen.add(key);
        }
        yield item;
        if (++yielded >= max) return;
      }
      if (page.length < top) return;
      skip += page.length;
    }
  }

  /** Collects every item into an array. */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}
