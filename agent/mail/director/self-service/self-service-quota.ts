/**
 * The quota use the self-service page shows: asked of the user's store (through the director's
 * proxy path, logged in with the user's own password), within a short time so the page never
 * waits on a store that does not answer: then the page says the use is not available right now.
 */
import type { QuotaUse } from '../../../common/quota-use.js';

/** How long the page waits for the store by default. */
export const quotaAnswerMs = 3000;

/** Reads the use with `read`; undefined when it fails or takes longer than `withinMs`. */
export async function quotaUseWithin(
  read: () => Promise<QuotaUse>,
  withinMs: number,
  onMissing: (why: string) => void,
): Promise<QuotaUse | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      onMissing(`the store did not answer within ${withinMs} ms`);
      resolve(undefined);
    }, withinMs);
  });
  const asked = read().catch((error: unknown) => {
    onMissing(error instanceof Error ? error.message : String(error));
    return undefined;
  });
  try {
    return await Promise.race([asked, late]);
  } finally {
    clearTimeout(timer);
  }
}
