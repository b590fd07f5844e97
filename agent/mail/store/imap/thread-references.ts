/**
 * THREAD=REFERENCES (RFC 5256 3): threads from Message-ID, References and In-Reply-To, then
 * dummies pruned, then root threads with the same base subject gathered, then siblings ordered
 * by sent date. Messages without a Message-ID, and second copies of one, stand alone.
 */
import type { SortRow } from './sort-order.js';
import { sortThreads, type ThreadNode } from './thread-tree.js';

interface Container extends ThreadNode {
  parent: Container | undefined;
  children: Container[];
}

/** A loop check walks up this many parents at most; a deeper chain is treated as a loop (not linked). */
const maxAncestors = 10_000;

function container(): Container {
  return { row: undefined, parent: undefined, children: [] };
}

/** Linking `child` under `parent` would make a loop (or the walk up is too long to tell). */
function wouldLoop(parent: Container, child: Container): boolean {
  if (parent === child) return true;
  // A container without children is nobody's ancestor: no walk (the usual case, in arrival order).
  if (child.children.length === 0) return false;
  let steps = 0;
  for (let node: Container | undefined = parent; node; node = node.parent) {
    if (node === child || ++steps > maxAncestors) return true;
  }
  return false;
}

function link(parent: Container, child: Container): void {
  child.parent = parent;
  parent.children.push(child);
}

function unlink(child: Container): void {
  const parent = child.parent;
  if (!parent) return;
  const at = parent.children.indexOf(child);
  if (at !== -1) parent.children.splice(at, 1);
  child.parent = undefined;
}

/** Step 1: containers linked by references; returns every container made. */
function linkMessages(rows: readonly SortRow[]): Container[] {
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const named = (id: string): Container => {
    let found = byId.get(id);
    if (!found) {
      found = container();
      byId.set(id, found);
      all.push(found);
    }
    return found;
  };
  for (const row of rows) {
    const id = row.keys?.messageId;
    let own = id === undefined ? undefined : named(id);
    // No Message-ID, or a second message with the same one: a container of its own.
    if (!own || own.row) {
      own = container();
      all.push(own);
    }
    own.row = row;
    // (A) The references in order, each the parent of the next, unless already linked or a loop.
    let previous: Container | undefined;
    for (const reference of row.keys?.references ?? []) {
      const current = named(reference);
      if (previous && !current.parent && !wouldLoop(previous, current)) link(previous, current);
      previous = current;
    }
    // (B) The last reference is the parent; one found earlier is probably from a cut References.
    unlink(own);
    if (previous && !wouldLoop(previous, own)) link(previous, own);
  }
  return all;
}

/** Every container under the roots, parents before children. */
function descendants(roots: readonly Container[]): Container[] {
  const order: Container[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    for (const child of node.children) stack.push(child);
  }
  return order;
}

/** Step 4: dummies removed, their children moved up (to the root only when a dummy has one child). */
function pruneDummies(roots: Container[]): Container[] {
  const nodes = descendants(roots);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    const kept: Container[] = [];
    for (const child of node.children) {
      if (child.row) kept.push(child);
      else
        for (const grandchild of child.children) {
          grandchild.parent = node;
          kept.push(grandchild);
        }
    }
    node.children = kept;
  }
  const result: Container[] = [];
  for (const root of roots) {
    if (root.row || root.children.length > 1) result.push(root);
    else if (root.children.length === 1) {
      const only = root.children[0]!;
      only.parent = undefined;
      result.push(only);
    }
  }
  return result;
}

function subjectOf(node: Container): string {
  return (node.row ?? node.children[0]?.row)?.keys?.subject ?? '';
}

function isReply(node: Container): boolean {
  return node.row?.keys?.replyOrForward ?? false;
}

/** Step 5: root threads with the same base subject gathered under one root. */
function gatherBySubject(roots: Container[]): Container[] {
  const table = new Map<string, Container>();
  for (const root of roots) {
    const subject = subjectOf(root);
    if (subject === '') continue;
    const held = table.get(subject);
    if (!held || (!root.row && held.row) || (isReply(held) && !isReply(root))) table.set(subject, root);
  }
  const removed = new Set<Container>();
  const replaced = new Map<Container, Container>();
  for (const root of roots) {
    const subject = subjectOf(root);
    if (subject === '') continue;
    const held = table.get(subject)!;
    if (held === root) continue;
    removed.add(root);
    if (!held.row && !root.row) {
      for (const child of root.children) link(held, child);
    } else if (!held.row || (isReply(root) && !isReply(held))) {
      link(held, root);
    } else {
      const dummy = container();
      replaced.set(held, dummy);
      link(dummy, held);
      link(dummy, root);
      table.set(subject, dummy);
    }
  }
  return roots.filter((root) => !removed.has(root)).map((root) => replaced.get(root) ?? root);
}

/** The REFERENCES threads of the rows (the messages matching the search), sorted. */
export function referencesThreads(rows: readonly SortRow[]): ThreadNode[] {
  const all = linkMessages(rows);
  const roots = all.filter((node) => !node.parent);
  return sortThreads(gatherBySubject(pruneDummies(roots)));
}
