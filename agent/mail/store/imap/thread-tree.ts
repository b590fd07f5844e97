/**
 * THREAD results (RFC 5256 4): the tree of threads, siblings ordered by sent date, written as
 * `(1 2 (3)(4))(5)`; and the ORDEREDSUBJECT algorithm. Every walk uses an explicit stack, so a
 * reply chain 100,000 messages deep cannot overflow the call stack.
 */
import { type SortRow, sentTime } from './sort-order.js';

/** A node of a thread: a message, or a dummy standing for a message that is not there. */
export interface ThreadNode {
  row: SortRow | undefined;
  children: ThreadNode[];
}

/** Sent date and mailbox position of a node, for ordering siblings (a dummy takes its first child's). */
interface Order {
  time: number;
  position: number;
}

/** Every node under the roots, parents before children. */
function preOrder(roots: readonly ThreadNode[]): ThreadNode[] {
  const order: ThreadNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return order;
}

/**
 * Orders every set of siblings, and the roots, by sent date (a dummy by its first child after
 * sorting), ties by position in the mailbox (RFC 5256 REFERENCES step 6).
 */
export function sortThreads(roots: ThreadNode[]): ThreadNode[] {
  const orders = new Map<ThreadNode, Order>();
  const compare = (a: ThreadNode, b: ThreadNode): number => {
    const x = orders.get(a)!;
    const y = orders.get(b)!;
    return x.time - y.time || x.position - y.position;
  };
  const nodes = preOrder(roots);
  // Children before parents: a node's order needs its children sorted.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    node.children.sort(compare);
    if (node.row) orders.set(node, { time: sentTime(node.row), position: node.row.position });
    else orders.set(node, orders.get(node.children[0]!) ?? { time: 0, position: 0 });
  }
  return roots.sort(compare);
}

/** The THREAD response body: `(1 2 (3)(4))(5)`, numbers from `id` (sequence number or UID). */
export function formatThreads(roots: readonly ThreadNode[], id: (row: SortRow) => number): string {
  let out = '';
  // Pieces still to write, last first: literal text or a node to expand.
  const stack: Array<string | ThreadNode> = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push(')', roots[i]!, '(');
  while (stack.length > 0) {
    const piece = stack.pop()!;
    if (typeof piece === 'string') {
      out += piece;
      continue;
    }
    const children = piece.children;
    // One child continues the chain ("1 2"); several each get parentheses ("1 (2)(3)").
    if (piece.row && children.length === 1) {
      stack.push(children[0]!, ' ');
    } else {
      for (let i = children.length - 1; i >= 0; i--) stack.push(')', children[i]!, '(');
      if (piece.row && children.length > 1) stack.push(' ');
    }
    if (piece.row) stack.push(String(id(piece.row)));
  }
  return out;
}

/**
 * ORDEREDSUBJECT (RFC 5256 3): messages grouped by base subject; in each group the earliest sent
 * is the root and the others are its children in sent order.
 */
export function orderedSubjectThreads(rows: readonly SortRow[]): ThreadNode[] {
  const sorted = [...rows].sort((a, b) => {
    const x = a.keys?.subject ?? '';
    const y = b.keys?.subject ?? '';
    if (x !== y) return x < y ? -1 : 1;
    return sentTime(a) - sentTime(b) || a.position - b.position;
  });
  const roots: ThreadNode[] = [];
  let current: ThreadNode | undefined;
  for (const row of sorted) {
    if (current && current.row!.keys?.subject === row.keys?.subject) {
      current.children.push({ row, children: [] });
      continue;
    }
    current = { row, children: [] };
    roots.push(current);
  }
  return roots.sort((a, b) => sentTime(a.row!) - sentTime(b.row!) || a.row!.position - b.row!.position);
}
