/**
 * A binary min-heap that knows where each element sits, so an element can be removed or
 * re-positioned in O(log n) when its item changes state (no lazy tombstones that pile up
 * in a 10,000-item backlog). Elements are objects compared by identity.
 */
export class IndexedHeap<T extends object> {
  private readonly items: T[] = [];
  private readonly pos = new Map<T, number>();
  private readonly before: (a: T, b: T) => boolean;

  /** @param before - true when `a` must come out before `b`. */
  constructor(before: (a: T, b: T) => boolean) {
    this.before = before;
  }

  get size(): number {
    return this.items.length;
  }

  has(x: T): boolean {
    return this.pos.has(x);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    if (this.pos.has(x)) {
      this.update(x);
      return;
    }
    this.items.push(x);
    this.pos.set(x, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Removes `x` if present; returns whether it was. */
  remove(x: T): boolean {
    const i = this.pos.get(x);
    if (i === undefined) return false;
    this.removeAt(i);
    return true;
  }

  /** Restores order after `x`'s sort key changed. */
  update(x: T): void {
    const i = this.pos.get(x);
    if (i === undefined) return;
    this.down(this.up(i));
  }

  clear(): void {
    this.items.length = 0;
    this.pos.clear();
  }

  private removeAt(i: number): void {
    const last = this.items.pop()!;
    const removed = i === this.items.length ? last : this.items[i]!;
    this.pos.delete(removed);
    if (removed === last) return;
    this.items[i] = last;
    this.pos.set(last, i);
    this.down(this.up(i));
  }

  private up(i: number): number {
    const a = this.items;
    const x = a[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p]!;
      if (!this.before(x, parent)) break;
      a[i] = parent;
      this.pos.set(parent, i);
      i = p;
    }
    a[i] = x;
    this.pos.set(x, i);
    return i;
  }

  private down(i: number): number {
    const a = this.items;
    const n = a.length;
    const x = a[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(a[r]!, a[l]!) ? r : l;
      const child = a[c]!;
      if (!this.before(child, x)) break;
      a[i] = child;
      this.pos.set(child, i);
      i = c;
    }
    a[i] = x;
    this.pos.set(x, i);
    return i;
  }
}
