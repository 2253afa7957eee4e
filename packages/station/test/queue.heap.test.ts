import { describe, expect, it } from 'vitest';
import { IndexedHeap } from '../src/queue/heap.js';

interface Item {
  priority: number;
  seq: number;
}

describe('the queue scheduler heap', () => {
  it('pops in (priority, seq) order through random pushes, removals and key changes', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const before = (a: Item, b: Item) => (a.priority !== b.priority ? a.priority < b.priority : a.seq < b.seq);
    const heap = new IndexedHeap<Item>(before);
    const live = new Set<Item>();
    let seq = 0;
    for (let i = 0; i < 6000; i++) {
      const op = rand(10);
      if (op < 5 || live.size === 0) {
        const x = { priority: 1 + rand(10), seq: seq++ };
        heap.push(x);
        live.add(x);
      } else if (op < 7) {
        const x = [...live][rand(live.size)]!;
        expect(heap.remove(x)).toBe(true);
        expect(heap.remove(x)).toBe(false);
        live.delete(x);
      } else if (op < 8) {
        const x = [...live][rand(live.size)]!;
        x.priority = 1 + rand(10);
        heap.update(x);
      } else {
        const expected = [...live].sort((a, b) => a.priority - b.priority || a.seq - b.seq)[0];
        const got = heap.pop();
        expect(got).toBe(expected);
        live.delete(got!);
      }
      expect(heap.size).toBe(live.size);
    }
    const rest: Item[] = [];
    for (let x = heap.pop(); x; x = heap.pop()) rest.push(x);
    expect(rest).toEqual([...live].sort((a, b) => a.priority - b.priority || a.seq - b.seq));
  });
});
