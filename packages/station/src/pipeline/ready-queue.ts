/**
 * Stable files waiting for a conversion slot: a binary heap ordered by folder priority
 * (1 = highest first), then by the order they became ready (oldest file first within a batch).
 */

export interface ReadyItem {
  priority: number;
  seq: number;
}

export class ReadyQueue<T extends ReadyItem> {
  #heap: T[] = [];

  get size(): number {
    return this.#heap.length;
  }

  push(item: T): void {
    const h = this.#heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < h.length && before(h[l]!, h[best]!)) best = l;
        if (r < h.length && before(h[r]!, h[best]!)) best = r;
        if (best === i) break;
        [h[i], h[best]] = [h[best]!, h[i]!];
        i = best;
      }
    }
    return top;
  }
}

function before(a: ReadyItem, b: ReadyItem): boolean {
  return a.priority !== b.priority ? a.priority < b.priority : a.seq < b.seq;
}
