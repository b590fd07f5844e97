/** English strings of the "Add node" button and dialog (spread into the one catalog, messages-en.ts). */
export const addNodeMessagesEn = {
  'addNode.button': 'Add node',
  'addNode.title': 'Add a node',
  'addNode.intro':
    'The console logs in to the server with your own ssh (you need sudo there), installs the mailfleet agent, writes its settings, records the server in the directory with its key, and starts it.',
  'addNode.host': 'Server (as you would give it to ssh, e.g. admin@store36.example.edu)',
  'addNode.name': 'Node name (lower case, e.g. store36)',
  'addNode.role': 'What it does',
  'addNode.role.store': 'Mail store (holds mailboxes; gets a logical store of the same name)',
  'addNode.role.spare': 'Spare (takes a failed store over)',
  'addNode.address': 'Address the console connects to (empty: the server above)',
  'addNode.listen': 'Listen on (empty: every address)',
  'addNode.controlPort': 'Console port (empty: 40123)',
  'addNode.mailPorts': 'LMTP, IMAP, POP3 ports (empty: 24, 143, 110)',
  'addNode.prefix': 'Install under this folder instead (a trial; empty: the system)',
  'addNode.sshConfig': 'ssh settings file (empty: your own)',
  'addNode.confirm': 'Add the node',
  'addNode.adding':
    'Adding {name}: installing on {host} and waiting for it to answer. This takes up to a minute…',
  'addNode.added':
    '{name} joined the fleet and answers at {address}:{port}. Its key is recorded in the directory ({fingerprint}).',
  'addNode.addedStore':
    'Its logical store {store} is ready: give users {store} as their mail store, or move them there.',
  'addNode.failed': '{name} was not added: {reason}',
  'addNode.badPorts': 'Ports are numbers from 1 to 65535; give all three mail ports or none.',
} as const;
