/** The Mail Trace: asks the console where mail went, by address or Message-ID. */

import type { ConsoleApi } from '../../../main/console/console-contract';
import { traceQuery as sharedTraceQuery } from '../../../main/console/mail-story';
import type { useTraceStore } from '../store/trace/trace-store';
import { shownErrorOf } from './shown-error';

type TraceStoreApi = Pick<typeof useTraceStore, 'getState'>;

/** An address or a Message-ID, from what was typed (shared with the CLI's `mailfleet why`). */
export const traceQuery = sharedTraceQuery;

/** Traces `text` across every director and gateway into the store. */
export async function traceMail(api: ConsoleApi, store: TraceStoreApi, text: string): Promise<void> {
  const asked = text.trim();
  store.getState().tracing(asked);
  try {
    const answer = await api.mail.trace(traceQuery(asked));
    store.getState().receiveTrace(asked, answer, Date.now());
  } catch (error) {
    store.getState().failTrace(asked, shownErrorOf(error));
  }
}
