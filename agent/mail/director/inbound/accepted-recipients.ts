/** The recipients an accepted message is queued for, from what each RCPT expanded to. */
import type { AcceptedRecipient } from '../delivery-rules/delivery-rules.js';
import type { IncomingMessage } from '../queue/queue-entry.js';

/** The recipients of the message itself, one per address (an alias and its member in one envelope deliver one copy). */
export function expandedRecipients(accepted: readonly AcceptedRecipient[]): IncomingMessage['recipients'] {
  const recipients: IncomingMessage['recipients'] = [];
  const seen = new Set<string>();
  for (const { rcpt, expansion } of accepted) {
    // Forwarded copies count: a user forwarding everything still has a valid recipient.
    const forwarded = (expansion.forwards ?? []).flatMap((copy) => [...copy.mailboxes, ...copy.remote]);
    for (const address of [...expansion.mailboxes, ...expansion.remote, ...forwarded]) {
      if (seen.has(address)) continue;
      seen.add(address);
      recipients.push({ address, original: rcpt });
    }
  }
  return recipients;
}
