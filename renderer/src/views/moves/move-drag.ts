/**
 * What a drag of users carries: the selection as JSON under our own type (the users picked, or
 * "every result of this search"), and the addresses as plain text (one per line) for anything
 * else that takes a drop. A drop is read back with checks, since a drag may come from anywhere:
 * our type first, else plain text with addresses in it (a list pasted from a spreadsheet or a
 * mail), at most 10,000 of them (the most one batch moves).
 */
import type { UserQuery } from '../../store/directory/search-slice';
import type { UserSelection } from '../../store/directory/selection-slice';

/** The drag type of users from the Directory view. */
export const usersDragType = 'application/x-mailfleet-users';

/** The most users one batch moves (move.start's limit). */
export const maxUsersPerBatch = 10_000;

const addressPattern =
  /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,}/g;

/** What the drag's JSON holds. */
type DragPayload = { addresses: string[] } | { query: UserQuery; total: number };

/** Puts a selection on a drag. */
export function writeUsersDrag(
  data: Pick<DataTransfer, 'setData' | 'effectAllowed'>,
  selection: UserSelection,
): void {
  const payload: DragPayload =
    selection.kind === 'users'
      ? { addresses: selection.addresses }
      : { query: selection.query, total: selection.total };
  data.setData(usersDragType, JSON.stringify(payload));
  if (selection.kind === 'users') data.setData('text/plain', selection.addresses.join('\n'));
  data.effectAllowed = 'move';
}

/** Whether a drag may hold users (while dragging, only the types can be read). */
export function mayCarryUsers(types: readonly string[]): boolean {
  return types.includes(usersDragType) || types.includes('text/plain');
}

/** The users a drop carries, or undefined when it carries none. */
export function readUsersDrop(data: Pick<DataTransfer, 'getData'>): UserSelection | undefined {
  const ours = data.getData(usersDragType);
  if (ours) return selectionOfPayload(ours);
  const addresses = addressesInText(data.getData('text/plain'));
  return addresses.length > 0 ? { kind: 'users', addresses } : undefined;
}

/** The distinct mail addresses in a text, lower case, in order, at most {@link maxUsersPerBatch}. */
export function addressesInText(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(addressPattern)) {
    found.add(match[0].toLowerCase());
    if (found.size >= maxUsersPerBatch) break;
  }
  return [...found];
}

function selectionOfPayload(json: string): UserSelection | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const payload = value as Record<string, unknown>;
  if (Array.isArray(payload.addresses)) {
    const addresses = addressesInText(payload.addresses.filter((a) => typeof a === 'string').join('\n'));
    return addresses.length > 0 ? { kind: 'users', addresses } : undefined;
  }
  const query = payload.query as Record<string, unknown> | undefined;
  const total = payload.total;
  if (typeof query !== 'object' || query === null || typeof total !== 'number') return undefined;
  if (!Number.isInteger(total) || total < 1) return undefined;
  const text = typeof query.text === 'string' ? query.text.slice(0, 200) : '';
  const optional = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 253 ? v : undefined);
  return {
    kind: 'query',
    query: { text, domain: optional(query.domain), logicalStore: optional(query.logicalStore) },
    total,
  };
}
