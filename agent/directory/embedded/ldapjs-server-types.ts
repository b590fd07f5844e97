/**
 * The parts of the ldapjs 3 server we use, typed here because @types/ldapjs lacks some
 * (newConnection, the net server, response fields) and types requests too loosely.
 */
import type { EventEmitter } from 'node:events';
import type { Server as NetServer, Socket } from 'node:net';
import ldap from 'ldapjs';

/** An ldapjs response object. */
export interface LdapjsResponse {
  diagnosticMessage: string;
  matchedDN: string;
  controls: unknown[];
  /** Search responses only: the requested attributes, which ldapjs' send() filters by case-sensitively. */
  attributes?: string[];
  responseName?: string;
  responseValue?: string;
  end(status?: number): void;
  send(entry: { dn: string; attributes: Record<string, string[]> }, noFiltering?: boolean): void;
}

/** A handler in an ldapjs chain; requests are read as unknown and parsed. */
export type LdapjsHandler = (request: unknown, response: LdapjsResponse, next: () => void) => void;

/** The ldapjs server, as far as we use it. */
export interface LdapjsServer extends EventEmitter {
  server: NetServer;
  newConnection(socket: Socket): void;
  listen(port: number, host: string, callback: () => void): void;
  bind(mount: string, handler: LdapjsHandler): void;
  add(mount: string, handler: LdapjsHandler): void;
  search(mount: string, handler: LdapjsHandler): void;
  modify(mount: string, handler: LdapjsHandler): void;
  del(mount: string, handler: LdapjsHandler): void;
  compare(mount: string, handler: LdapjsHandler): void;
  modifyDN(mount: string, handler: LdapjsHandler): void;
  exop(oid: string, handler: LdapjsHandler): void;
}

/** A Simple Paged Results response control (ldapjs exports the class; its types do not declare it). */
export function pagedResultsResponseControl(cookie: Buffer): unknown {
  const { PagedResultsControl } = ldap as unknown as {
    PagedResultsControl: new (options: { value: { size: number; cookie: Buffer } }) => unknown;
  };
  return new PagedResultsControl({ value: { size: 0, cookie } });
}
