/**
 * Glue between ldapjs and the directory operations: one handler per LDAP operation, mounted at
 * the root so every DN reaches it. Each handler parses its request, runs the operation and
 * answers with the operation's result code and message; an unexpected error answers `other`
 * (80) and the server keeps serving.
 */
import type { Socket } from 'node:net';
import { z } from 'zod';
import type { Identity } from './access-control.js';
import type { BindGate } from './bind-gate.js';
import type { EntryIndex } from './entry-index.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';
import {
  addAttributes,
  dnFromLdapjs,
  modifyChanges,
  pagedResultsControl,
  pick,
  searchFields,
} from './ldapjs-requests.js';
import {
  type LdapjsResponse,
  type LdapjsServer,
  pagedResultsResponseControl,
} from './ldapjs-server-types.js';
import { PagedCursors } from './paged-cursors.js';
import type { ReadOperations } from './read-operations.js';
import { filterFromLdapjs } from './search-filter.js';
import type { WriteOperations } from './write-operations.js';

/** Per-connection state: who is bound and the paged searches in progress. */
export interface ConnectionState {
  identity: Identity;
  cursors: PagedCursors;
  /** The client's address (throttling key). */
  address: string;
  /** Operations answered by our handlers and not finished yet (a connection with one is not idle). */
  inFlight: number;
  /** Told after a successful bind (the idle time of a bound connection applies from then). */
  onBound?: () => void;
}

const passwordModifyOid = '1.3.6.1.4.1.4203.1.11.1';
const whoAmIOid = '1.3.6.1.4.1.4203.1.11.3';
const pagedResultsOid = '1.2.840.113556.1.4.319';
const bindRequestOp = 0x60;

/** What the handlers need. */
export interface HandlerContext {
  baseDn: string;
  reads: ReadOperations;
  binds: BindGate;
  writes: WriteOperations;
  entries: EntryIndex;
  sizeLimit: number;
}

/** Registers the operation handlers on an ldapjs server. */
export class LdapRequestHandlers {
  private stateOf: (socket: Socket) => ConnectionState | undefined = () => undefined;

  constructor(private readonly context: HandlerContext) {}

  newConnectionState(address: string): ConnectionState {
    return { identity: { kind: 'anonymous' }, cursors: new PagedCursors(), address, inFlight: 0 };
  }

  /**
   * Every bind request first resets the connection to anonymous (RFC 4511 4.2.1); ldapjs answers
   * anonymous binds itself without calling our handler, so we listen to the parser before it.
   */
  watchBinds(socket: Socket, state: ConnectionState): void {
    const parser = (socket as unknown as { parser?: NodeJS.EventEmitter }).parser;
    guardParser(socket, parser);
    parser?.prependListener('message', (request: unknown) => {
      if (pick(request, ['protocolOp']).protocolOp === bindRequestOp) state.identity = { kind: 'anonymous' };
    });
  }

  mount(server: LdapjsServer, stateOf: (socket: Socket) => ConnectionState | undefined): void {
    this.stateOf = stateOf;
    const state = (request: unknown): ConnectionState => {
      const socket = pick(request, ['connection']).connection as Socket;
      const found = stateOf(socket);
      if (!found) throw new LdapResultError(resultCodes.unavailable, 'the connection is closing');
      return found;
    };
    const { reads, writes, binds } = this.context;
    server.bind(
      '',
      this.handle(async (request) => {
        const { credentials } = z.object({ credentials: z.string() }).parse(pick(request, ['credentials']));
        const dn = dnFromLdapjs(pick(request, ['name']).name);
        const connection = state(request);
        connection.identity = binds.bind(dn, credentials, connection.address);
        connection.onBound?.();
      }),
    );
    server.add(
      '',
      this.handle(async (request) => {
        const dn = dnFromLdapjs(pick(request, ['entry']).entry);
        await writes.add(state(request).identity, dn, addAttributes(request));
      }),
    );
    server.modify(
      '',
      this.handle(async (request) => {
        const dn = dnFromLdapjs(pick(request, ['object']).object);
        await writes.modify(state(request).identity, dn, modifyChanges(request));
      }),
    );
    server.del(
      '',
      this.handle(async (request) => {
        await writes.delete(state(request).identity, dnFromLdapjs(pick(request, ['entry']).entry));
      }),
    );
    server.modifyDN(
      '',
      this.handle(async (request) => {
        const fields = pick(request, ['entry', 'newRdn', 'deleteOldRdn', 'newSuperior']);
        const superior = fields.newSuperior ? dnFromLdapjs(fields.newSuperior) : undefined;
        await writes.rename(
          state(request).identity,
          dnFromLdapjs(fields.entry),
          dnFromLdapjs(fields.newRdn),
          z.boolean().parse(fields.deleteOldRdn),
          superior || undefined,
        );
      }),
    );
    server.compare(
      '',
      this.handle(async (request) => {
        const fields = z
          .object({ attribute: z.string(), value: z.string() })
          .parse(pick(request, ['attribute', 'value']));
        const dn = dnFromLdapjs(pick(request, ['entry']).entry);
        return reads.compare(state(request).identity, dn, fields.attribute, fields.value)
          ? resultCodes.compareTrue
          : resultCodes.compareFalse;
      }),
    );
    server.search(
      '',
      this.handle(async (request, response) => this.search(state(request), request, response)),
    );
    server.exop(
      passwordModifyOid,
      this.handle(async (request) => {
        const value = z
          .object({ userIdentity: z.string().optional(), newPassword: z.string().optional() })
          .parse(pick(pick(request, ['requestValue']).requestValue, ['userIdentity', 'newPassword']));
        await writes.changePassword(state(request).identity, value.userIdentity, value.newPassword);
      }),
    );
    server.exop(
      whoAmIOid,
      this.handle(async (request, response) => {
        const identity = state(request).identity;
        response.responseValue = identity.kind === 'anonymous' ? '' : `dn:${identity.dn}`;
      }),
    );
  }

  private search(state: ConnectionState, request: unknown, response: LdapjsResponse): number {
    const fields = searchFields(request);
    // We select attributes ourselves; ldapjs would drop any whose requested spelling differs in case.
    response.attributes = [];
    if (fields.base === '' && fields.scope === 'base') {
      response.send({ dn: '', attributes: this.rootDse() }, true);
      return resultCodes.success;
    }
    const paged = pagedResultsControl(fields.controls);
    const { reads, entries } = this.context;
    // Checked again at send time: a paged search's later pages may follow a rebind or a move.
    const readable = reads.readableBy(state.identity);
    const send = (key: string, attributes: string[], typesOnly: boolean) => {
      const entry = entries.get(key);
      if (!entry || !readable(entry)) return false;
      response.send({ dn: entry.dn, attributes: reads.selectAttributes(entry, attributes, typesOnly) }, true);
      return true;
    };
    if (!paged) {
      const keys = reads.search(state.identity, fields.base, fields.scope, filterFromLdapjs(fields.filter));
      const limits = [fields.sizeLimit || Number.POSITIVE_INFINITY];
      if (state.identity.kind !== 'root') limits.push(this.context.sizeLimit);
      const limit = Math.min(...limits);
      let sent = 0;
      for (const key of keys) {
        if (sent >= limit) return resultCodes.sizeLimitExceeded;
        if (send(key, fields.attributes, fields.typesOnly)) sent++;
      }
      return resultCodes.success;
    }
    let cookie = paged.cookie;
    let cursor = cookie.length > 0 ? state.cursors.get(cookie) : undefined;
    if (cookie.length > 0 && !cursor) {
      throw new LdapResultError(resultCodes.unwillingToPerform, 'unknown or expired paged results cookie');
    }
    if (!cursor) {
      const keys = reads.search(state.identity, fields.base, fields.scope, filterFromLdapjs(fields.filter));
      cursor = { keys, position: 0, attributes: fields.attributes, typesOnly: fields.typesOnly };
      cookie = state.cursors.open(cursor);
    }
    // A page size of 0 abandons the paged search (RFC 2696 section 3).
    const pageSize = paged.size === 0 ? 0 : Math.min(paged.size, this.context.sizeLimit);
    let sent = 0;
    while (sent < pageSize && cursor.position < cursor.keys.length) {
      if (send(cursor.keys[cursor.position++] as string, cursor.attributes, cursor.typesOnly)) sent++;
    }
    const done = paged.size === 0 || cursor.position >= cursor.keys.length;
    if (done) state.cursors.close(cookie);
    response.controls = [pagedResultsResponseControl(done ? Buffer.alloc(0) : cookie)];
    return resultCodes.success;
  }

  private rootDse(): Record<string, string[]> {
    return {
      objectClass: ['top'],
      namingContexts: [this.context.baseDn],
      supportedLDAPVersion: ['3'],
      supportedControl: [pagedResultsOid],
      supportedExtension: [passwordModifyOid, whoAmIOid],
      vendorName: ['mailfleet embedded directory'],
    };
  }

  /** Wraps an operation: its return value (or success) is the result code; errors become answers. */
  private handle(
    operation: (request: unknown, response: LdapjsResponse) => Promise<unknown>,
  ): (request: unknown, response: LdapjsResponse) => void {
    return (request, response) => {
      const connection = this.stateOf(pick(request, ['connection']).connection as Socket);
      if (connection) connection.inFlight++;
      const done = () => {
        if (connection) connection.inFlight--;
      };
      operation(request, response).then(
        (code) => {
          done();
          response.end(typeof code === 'number' ? code : resultCodes.success);
        },
        (error: unknown) => {
          done();
          if (error instanceof LdapResultError) {
            response.diagnosticMessage = error.message;
            response.matchedDN = error.matchedDn;
            response.end(error.code);
          } else if (error instanceof z.ZodError) {
            response.diagnosticMessage = `malformed request: ${error.issues[0]?.message ?? 'unreadable'}`;
            response.end(resultCodes.protocolError);
          } else {
            response.diagnosticMessage = `internal error: ${error instanceof Error ? error.message : String(error)}`;
            response.end(resultCodes.other);
          }
        },
      );
    };
  }
}

/**
 * ldapjs' parser throws (an assertion) on some malformed BER, from inside the socket's data
 * handler, which would crash the whole process. Such a client is dropped instead.
 */
function guardParser(socket: Socket, parser: unknown): void {
  if (typeof parser !== 'object' || parser === null) return;
  const target = parser as { write?: (data: Buffer) => unknown };
  const write = target.write;
  if (typeof write !== 'function') return;
  target.write = (data: Buffer) => {
    try {
      return write.call(parser, data);
    } catch {
      socket.destroy();
      return false;
    }
  };
}
