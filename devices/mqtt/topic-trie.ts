/**
 * MQTT topic filters in a trie, one node per topic level, so that finding the
 * filters a topic matches costs O(levels × wildcard branches) instead of one
 * comparison per filter (the structure MQTT.js and aedes route with). Matching
 * follows MQTT 3.1.1/5 §4.7: `+` matches one level, `#` this level and all
 * below (including the parent: `a/#` matches `a`), and a topic starting with
 * `$` is not matched by a filter starting with a wildcard.
 */

interface TrieNode<T> {
  children: Map<string, TrieNode<T>>;
  /** The value stored for the filter that ends at this node. */
  value?: T;
  hasValue: boolean;
}

const newNode = <T>(): TrieNode<T> => ({ children: new Map(), hasValue: false });

export class TopicTrie<T> {
  private readonly root: TrieNode<T> = newNode();
  private count = 0;

  /** Number of filters held. */
  get size(): number {
    return this.count;
  }

  /** Store `value` for `filter` (replacing any value it had). The filter is assumed valid (see topicProblem). */
  set(filter: string, value: T): void {
    let node = this.root;
    for (const level of filter.split("/")) {
      let child = node.children.get(level);
      if (!child) {
        child = newNode();
        node.children.set(level, child);
      }
      node = child;
    }
    if (!node.hasValue) this.count++;
    node.value = value;
    node.hasValue = true;
  }

  /** The value stored for exactly `filter`. */
  get(filter: string): T | undefined {
    let node: TrieNode<T> | undefined = this.root;
    for (const level of filter.split("/")) {
      node = node.children.get(level);
      if (!node) return undefined;
    }
    return node.hasValue ? node.value : undefined;
  }

  /** Remove `filter`, pruning the branches it leaves empty. @returns whether it was held. */
  delete(filter: string): boolean {
    const levels = filter.split("/");
    const path: TrieNode<T>[] = [this.root];
    for (const level of levels) {
      const next = path[path.length - 1]!.children.get(level);
      if (!next) return false;
      path.push(next);
    }
    const leaf = path[path.length - 1]!;
    if (!leaf.hasValue) return false;
    leaf.hasValue = false;
    leaf.value = undefined;
    this.count--;
    for (let i = levels.length; i > 0; i--) {
      const node = path[i]!;
      if (node.hasValue || node.children.size > 0) break;
      path[i - 1]!.children.delete(levels[i - 1]!);
    }
    return true;
  }

  /** The values of every filter `topic` matches (each filter once), in no particular order. */
  match(topic: string): T[] {
    const levels = topic.split("/");
    const out: T[] = [];
    const dollar = levels[0]!.startsWith("$");
    const walk = (node: TrieNode<T>, depth: number): void => {
      const wildcardsAllowed = !(dollar && depth === 0);
      if (wildcardsAllowed) {
        const rest = node.children.get("#");
        if (rest?.hasValue) out.push(rest.value as T);
      }
      if (depth === levels.length) {
        if (node.hasValue) out.push(node.value as T);
        return;
      }
      const exact = node.children.get(levels[depth]!);
      if (exact) walk(exact, depth + 1);
      if (wildcardsAllowed) {
        const one = node.children.get("+");
        if (one) walk(one, depth + 1);
      }
    };
    walk(this.root, 0);
    return out;
  }
}
