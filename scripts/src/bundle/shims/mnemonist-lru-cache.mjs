// Lambda bundles only: the DynamoDB client builds an endpoint cache for endpoint discovery (off by
// default, and we never turn it on) on mnemonist's LRU cache, which brings mnemonist and
// obliterator (~7 KB). This is the same interface over a Map (insertion order = recency), so the
// cache still works should discovery ever be enabled.
export default class LRUCache {
  constructor(capacity) {
    this.capacity = capacity;
    this.items = new Map();
  }
  get size() {
    return this.items.size;
  }
  has(key) {
    return this.items.has(key);
  }
  peek(key) {
    return this.items.get(key);
  }
  get(key) {
    if (!this.items.has(key)) return undefined;
    const value = this.items.get(key);
    this.items.delete(key);
    this.items.set(key, value);
    return value;
  }
  set(key, value) {
    this.items.delete(key);
    this.items.set(key, value);
    if (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value);
    return this;
  }
  clear() {
    this.items.clear();
  }
}
