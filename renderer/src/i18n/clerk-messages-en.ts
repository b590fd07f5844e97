/**
 * English strings of the clerk's console (issue 17): why mail waits, the Mail Trace, the dead
 * node's page. One block, so merges with other work on the translation tables stay easy.
 */
export const clerkMessagesEn = {
  'story.place.store': 'mail store {store}',
  'story.place.remote': 'the receiving server of {domain}',
  'story.place.unknown': 'the next server',
  'story.delivered': 'Delivered to {place}.',
  'story.bounced': 'Returned to the sender: {why}.',
  'story.held': 'Held by an administrator: it is not delivered until someone releases it.',
  'story.pending': 'Waiting for its first delivery to {place}.',
  'story.nextAt': 'The next try is at {next}.',
  'story.nextNow': 'The next try is now.',
  'story.until':
    'If it still cannot be delivered, it stays here until {expires} and is then returned to the sender.',
  'story.deferred.no-answer': '{place} does not answer.',
  'story.deferred.busy': '{place} is busy and asked to try again later.',
  'story.deferred.mailbox-full': 'The mailbox is full ({place} cannot take more for now).',
  'story.deferred.no-such-user': '{place} says there is no such user, for now.',
  'story.deferred.expired': 'It has waited too long.',
  'story.deferred.no-mail-domain': 'The address of {place} cannot be found for now.',
  'story.deferred.refused': '{place} refused it for now.',
  'story.deferred.try-later': '{place} asked to try again later.',
  'story.deferred.permanent': '{place} refused it.',
  'story.deferred.other': 'The last try at {place} did not work.',
  'story.why.no-answer': 'the receiving server never answered',
  'story.why.busy': 'the receiving server stayed busy',
  'story.why.mailbox-full': 'the mailbox is full',
  'story.why.no-such-user': 'there is no such user at the receiving end',
  'story.why.expired': 'it waited too long without being delivered',
  'story.why.no-mail-domain': 'the recipient’s domain does not receive mail',
  'story.why.refused': 'the receiving server refused it',
  'story.why.try-later': 'the receiving server kept asking to try later',
  'story.why.permanent': 'the receiving server refused it for good',
  'story.why.other': 'it could not be delivered',
  'story.rawReply': 'The server’s reply (for the technical staff)',
} as const;
