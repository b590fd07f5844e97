/**
 * The shell scripts `mailfleet node add` and `node remove` run on the node through OpenSSH. Secrets
 * (the bind password, the host key) travel inside the script on ssh's stdin, never on a command
 * line where `ps` would show them. Two layouts:
 * - system (the default): `sudo dpkg -i`, /etc/mailfleet, /var/lib/mailfleet, systemd;
 * - under a prefix (`--prefix DIR`: a trial or a test on a shared machine): the package unpacked
 *   with `dpkg-deb -x` under DIR and the agent started in the background as the SSH user, its pid
 *   in DIR/run/mailfleet-agent.pid.
 */
import { agentPackageName } from '../../packaging/agent-package.js';

/** Quotes a value for sh. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const endOfFile = 'MAILFLEET_END_OF_FILE';

function fileFromScript(path: string, content: string, mode: string, owner?: string): string {
  if (content.includes(endOfFile)) throw new Error(`${path}: content cannot be sent`);
  return [
    `cat > ${path}.new <<'${endOfFile}'`,
    content.endsWith('\n') ? content.slice(0, -1) : content,
    endOfFile,
    `chmod ${mode} ${path}.new`,
    ...(owner ? [`chown ${owner} ${path}.new`] : []),
    `mv -f ${path}.new ${path}`,
  ].join('\n');
}

/** Where things are on the node, for one layout. */
export interface NodeLayout {
  /** Empty for the system layout. */
  prefix: string;
  configDir: string;
  config: string;
  bindPasswordFile: string;
  dataDir: string;
  hostKeyFile: string;
}

/** The paths of the system layout, or of the layout under `prefix`. */
export function nodeLayout(prefix: string | undefined): NodeLayout {
  const p = prefix ?? '';
  return {
    prefix: p,
    configDir: `${p}/etc/mailfleet`,
    config: `${p}/etc/mailfleet/agent.json`,
    bindPasswordFile: `${p}/etc/mailfleet/bind-password`,
    dataDir: `${p}/var/lib/mailfleet`,
    hostKeyFile: `${p}/var/lib/mailfleet/ssh_host_ed25519_key`,
  };
}

/** What the install script writes. */
export interface InstallFiles {
  /** Where the package was copied on the node. */
  packageFile: string;
  agentConfig: string;
  bindPassword: string;
  hostPrivateKey: string;
}

/** Installs the copied package, writes the node's files and starts the agent. */
export function installScript(layout: NodeLayout, files: InstallFiles): string {
  const q = shellQuote;
  const pkg = q(files.packageFile);
  if (layout.prefix === '') {
    return [
      'set -eu',
      `dpkg -i ${pkg} >/dev/null || { echo "dpkg -i ${agentPackageName} failed: it needs nodejs (>= 20.19) and adduser (apt-get install nodejs adduser)" >&2; exit 1; }`,
      `rm -f ${pkg}`,
      fileFromScript(q(layout.config), files.agentConfig, '0640', 'root:mailfleet'),
      fileFromScript(q(layout.bindPasswordFile), files.bindPassword, '0640', 'root:mailfleet'),
      `install -d -o mailfleet -g mailfleet -m 0700 ${q(layout.dataDir)}`,
      fileFromScript(q(layout.hostKeyFile), files.hostPrivateKey, '0600', 'mailfleet:mailfleet'),
      'if [ ! -d /run/systemd/system ]; then',
      '  echo "systemd is not running on this machine: start the agent as /lib/systemd/system/mailfleet-agent.service says, or use --prefix" >&2',
      '  exit 1',
      'fi',
      `systemctl enable --quiet ${agentPackageName}`,
      `systemctl restart ${agentPackageName}`,
    ].join('\n');
  }
  const p = q(layout.prefix);
  const pidFile = q(`${layout.prefix}/run/mailfleet-agent.pid`);
  return [
    'set -eu',
    `if [ -f ${pidFile} ] && kill -0 "$(cat ${pidFile})" 2>/dev/null; then echo "an agent already runs under ${layout.prefix}" >&2; exit 1; fi`,
    `mkdir -p ${p}`,
    `dpkg-deb -x ${pkg} ${p}`,
    `rm -f ${pkg}`,
    'umask 077',
    `mkdir -p ${q(layout.configDir)} ${q(layout.dataDir)} ${q(`${layout.prefix}/var/log`)} ${q(`${layout.prefix}/run`)}`,
    `chmod 0700 ${q(layout.dataDir)}`,
    fileFromScript(q(layout.config), files.agentConfig, '0600'),
    fileFromScript(q(layout.bindPasswordFile), files.bindPassword, '0600'),
    fileFromScript(q(layout.hostKeyFile), files.hostPrivateKey, '0600'),
    'cd /',
    // setsid: the agent outlives this SSH session; its output goes to a log file, not to ssh.
    `setsid /usr/bin/node ${q(`${layout.prefix}/usr/lib/mailfleet/bin/mailfleet-agent.js`)} --config ${q(layout.config)} >>${q(`${layout.prefix}/var/log/mailfleet-agent.log`)} 2>&1 </dev/null &`,
    `echo $! > ${pidFile}`,
  ].join('\n');
}

/** Stops the agent and removes what the install made (dpkg --purge, or the files under the prefix). */
export function uninstallScript(layout: NodeLayout): string {
  const q = shellQuote;
  if (layout.prefix === '') {
    return [
      'set -eu',
      `if [ -d /run/systemd/system ]; then systemctl disable --now --quiet ${agentPackageName} || true; fi`,
      `dpkg --purge ${agentPackageName} >/dev/null`,
    ].join('\n');
  }
  const p = layout.prefix;
  const pidFile = q(`${p}/run/mailfleet-agent.pid`);
  const made = [
    '/usr/lib/mailfleet',
    '/usr/share/mailfleet',
    `/usr/share/doc/${agentPackageName}`,
    '/lib/systemd/system/mailfleet-agent.service',
    '/etc/mailfleet',
    '/var/lib/mailfleet',
    '/var/log/mailfleet-agent.log',
    '/run/mailfleet-agent.pid',
  ].map((path) => q(`${p}${path}`));
  const parents = [
    '/usr/share/doc',
    '/usr/share',
    '/usr/lib',
    '/usr',
    '/lib/systemd/system',
    '/lib/systemd',
    '/lib',
    '/etc',
    '/var/lib',
    '/var/log',
    '/var',
    '/run',
  ].map((path) => q(`${p}${path}`));
  return [
    'set -eu',
    `if [ -f ${pidFile} ]; then`,
    `  pid="$(cat ${pidFile})"`,
    '  kill -TERM "$pid" 2>/dev/null || true',
    // The agent stops its services in order; wait for it (at most 30 s) before removing its files.
    '  i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done',
    '  if kill -0 "$pid" 2>/dev/null; then echo "the agent (pid $pid) did not stop within 30 s" >&2; exit 1; fi',
    'fi',
    `rm -rf ${made.join(' ')}`,
    `rmdir ${parents.join(' ')} 2>/dev/null || true`,
  ].join('\n');
}
