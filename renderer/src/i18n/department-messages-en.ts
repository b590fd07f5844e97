/** English strings of a department administrator's Queues and Spam views (spread into messages-en.ts). */
export const departmentMessagesEn = {
  'department.queues.intro':
    'Mail to or from your domains ({domains}) that is waiting on a director: where each message is and why. Only the system administrators and the helpdesk can hold, send again or delete it.',
  'department.queues.director': 'Director',
  'department.queues.noDirector': 'No director is known yet.',
  'department.spam.intro':
    "Spam figures of mail to your domains ({domains}) over the last hour, as this gateway decided. Other departments' mail is not counted here.",
  'department.policy.title': 'Spam policy of your domain',
  'department.policy.domain': 'Domain',
  'department.policy.mode': 'What to do with spam',
  'department.policy.mode.tag': 'Deliver it, marked as spam',
  'department.policy.mode.reject': 'Mark it, and refuse it above a higher score',
  'department.policy.tagScore': 'Mark as spam from score',
  'department.policy.rejectScore': 'Refuse from score',
  'department.policy.save': 'Save policy',
  'department.policy.saved': 'Saved. The gateway applies it to the next message.',
  'department.policy.now.default': "Now: the gateway's default (its own scores, refusing above them).",
  'department.policy.now': 'Now: {mode}, mark from {tag}{reject}.',
  'department.policy.now.rejectFrom': ', refuse from {reject}',
  'department.policy.rspamd': "the gateway's own score",
  'department.policy.failed': 'The policy was not saved: {detail}',
} as const;
