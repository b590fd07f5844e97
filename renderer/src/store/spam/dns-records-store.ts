/**
 * The DNS records panel's store: the records one mail domain's department publishes, as a director
 * listed and checked them (`dkim.records`).
 */
import { create } from 'zustand';
import type { ConsoleCallResult } from '../../../../main/console/console-contract';
import type { LoadStatus } from '../queues/load-state';
import type { ShownError } from '../shown-error';

export type DepartmentDnsRecords = ConsoleCallResult<'dkim.records'>;

export interface DnsRecordsState {
  /** The domain asked about last. */
  dnsDomain: string;
  /** The director that answered. */
  dnsNode: string | undefined;
  dnsRecords: DepartmentDnsRecords | undefined;
  dnsStatus: LoadStatus;
  dnsError: ShownError | undefined;
}

export interface DnsRecordsActions {
  loadingDnsRecords(domain: string, node: string): void;
  receiveDnsRecords(domain: string, records: DepartmentDnsRecords): void;
  failDnsRecords(domain: string, error: ShownError): void;
}

export const dnsRecordsInitialState: DnsRecordsState = {
  dnsDomain: '',
  dnsNode: undefined,
  dnsRecords: undefined,
  dnsStatus: 'idle',
  dnsError: undefined,
};

/** Creates the store (one per window; tests make their own). */
export function createDnsRecordsStore() {
  return create<DnsRecordsState & DnsRecordsActions>()((set) => ({
    ...dnsRecordsInitialState,
    loadingDnsRecords: (dnsDomain, dnsNode) =>
      set({ dnsDomain, dnsNode, dnsRecords: undefined, dnsStatus: 'loading', dnsError: undefined }),
    // An answer for a domain no longer asked about is dropped.
    receiveDnsRecords: (domain, dnsRecords) =>
      set((s) => (s.dnsDomain !== domain ? {} : { dnsRecords, dnsStatus: 'ready', dnsError: undefined })),
    failDnsRecords: (domain, dnsError) =>
      set((s) => (s.dnsDomain !== domain ? {} : { dnsStatus: 'error', dnsError })),
  }));
}

/** The window's store. */
export const useDnsRecordsStore = createDnsRecordsStore();
