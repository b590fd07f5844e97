/** English strings of the failover button, dialog and steps (spread into the one catalog, messages-en.ts). */
export const failoverMessagesEn = {
  'failover.button': 'Fail over to {node}',
  'failover.buttonOf': 'Fail {store} over to {node}',
  'failover.systemOnly': 'A system admin can fail {store} over to {node}.',
  'failover.dialog.title': 'Fail over {store}',
  'failover.dialog.planning': 'Working out the failover of {store}…',
  'failover.plan.serves':
    '{takeOver} serves {store} from its replica, at once. {failed} is cut off: it never serves {store} again, even when it comes back.',
  'failover.plan.spare':
    'A new replica of {store} is built on {spare} in the background; once it is up to date, {spare} takes {store} over with a pause of about 2 s and {takeOver} keeps the replica.',
  'failover.plan.noSpare': 'No spare is free: {store} has no replica after this until you place one.',
  'failover.plan.users':
    'Users of {store} cannot log in for a few seconds; their mail programs then connect again by themselves.',
  'failover.plan.protected': 'Nothing is lost: every message {store} accepted is on {takeOver} too.',
  'failover.plan.unprotected':
    'The replica on {takeOver} was not up to date when {failed} stopped: mail that reached only {failed} stays on {failed} until it is repaired.',
  'failover.plan.unknown':
    'It is not known whether the replica on {takeOver} was up to date: mail that reached only {failed} stays on {failed} until it is repaired.',
  'failover.ask': 'Fail {store} over to {takeOver}?',
  'failover.confirm': 'Fail over to {node}',
  'failover.refused': '{store} cannot be failed over: {reason}',
  'failover.failed': 'The failover could not start: {reason}',
  'failover.running': '{store}: failing over to {node}',
  'failover.servedBy': '{store} served by {node}',
  'failover.stopped': 'The failover of {store} stopped: {reason}',
  'failover.step.fence': 'Fence {node}',
  'failover.step.stop-old': 'Stop {node} serving it',
  'failover.step.promote': 'Put the replica in place',
  'failover.step.repoint': 'Serve it from the replica',
  'failover.step.reroute': 'Send logins and mail there',
  'failover.step.rebuild': 'Build the new replica',
  'failover.step.switch': 'Move it to {spare} (mail and logins pause about 2 s)',
  // Switch to spare (maintenance) and Make spare, on a store node's page.
  'spare.switch.button': 'Switch to spare',
  'spare.switch.buttonOf': 'Switch {store} to spare',
  'spare.switch.title': 'Switch {store} to a spare',
  'spare.switch.planning': 'Working out the switch-over of {store}…',
  'spare.switch.ask': 'Switch {store} to {spare}? (the node {node} serves it now)',
  'spare.switch.copyFull':
    "First a full copy of all of {store}'s mail goes to {spare} (every mailbox, in the background; {store} keeps serving meanwhile).",
  'spare.switch.copyReplica':
    "{spare} holds {store}'s replica already: only the last changes are copied first.",
  'spare.switch.pause': 'Then mail and logins pause for about 2 s while {spare} takes over; nothing is lost.',
  'spare.switch.after':
    'After that {spare} serves {store}; the node {node} keeps a replica of it, so {store} stays protected while {node} is maintained.',
  'spare.switch.confirm': 'Switch to {spare}',
  'spare.switch.refused': '{store} cannot be switched to a spare: {reason}',
  'spare.switching': '{store}: switching to {spare}',
  'spare.step.copy': 'Copy it to {spare}',
  'spare.make.button': 'Make spare',
  'spare.make.title': 'Make {node} the spare',
  'spare.make.planning': 'Checking whether {node} can be made the spare…',
  'spare.make.ask': "Make {node} the fleet's spare?",
  'spare.make.wipe':
    'Every old copy of mail on {node} is deleted: the mailboxes of the stores it used to serve (other nodes serve them now) and any replica copies. This cannot be undone.',
  'spare.make.confirm': 'Delete its old mail and make {node} the spare',
  'spare.make.done': '{node} is a spare now: {mailboxes} old mailbox(es) of {stores} deleted.',
  'spare.make.refused': '{node} cannot be made the spare: {reason}',
  'spare.make.serves': '{node} still serves {stores}: switch it to a spare or fail it over first',
  'spare.make.holdsReplica':
    '{node} holds the replica of {stores}, which keeps it protected: place it on another node first',
  'spare.failed': 'It could not be done: {reason}',
} as const;
