/**
 * Simple Paged Results (RFC 2696) state of one connection: the keys of a search's result set and
 * how far the client has read. Cookies are random and only valid on the connection that got them.
 */
import { randomBytes } from 'node:crypto';

/** A paged search in progress. */
export interface PagedCursor {
  keys: string[];
  position: number;
  attributes: string[];
  typesOnly: boolean;
}

/** A client that never finishes its paged searches must not make the server hold unbounded state. */
const maxCursorsPerConnection = 16;

/** The paged searches in progress on one connection. */
export class PagedCursors {
  private readonly cursors = new Map<string, PagedCursor>();

  /** Stores a cursor and returns its cookie. */
  open(cursor: PagedCursor): Buffer {
    if (this.cursors.size >= maxCursorsPerConnection) {
      const oldest = this.cursors.keys().next().value;
      if (oldest !== undefined) this.cursors.delete(oldest);
    }
    const cookie = randomBytes(12);
    this.cursors.set(cookie.toString('hex'), cursor);
    return cookie;
  }

  get(cookie: Buffer): PagedCursor | undefined {
    return this.cursors.get(cookie.toString('hex'));
  }

  close(cookie: Buffer): void {
    this.cursors.delete(cookie.toString('hex'));
  }
}
