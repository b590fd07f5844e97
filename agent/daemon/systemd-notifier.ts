/**
 * Tells systemd how the agent is doing (Type=notify): READY=1 once started, WATCHDOG=1 every half
 * watchdog interval, STOPPING=1 on the way down. Node's dgram module cannot send to the AF_UNIX
 * datagram socket in NOTIFY_SOCKET, so each message goes through `systemd-notify`; the unit sets
 * NotifyAccess=all because that helper is a child process, and `--pid` names the agent as the sender.
 * Without NOTIFY_SOCKET every call does nothing.
 */
import { execFile } from 'node:child_process';
import type { JsonLogger } from '../common/json-logger.js';

/** How to reach systemd. */
export interface SystemdNotifierOptions {
  env: NodeJS.ProcessEnv;
  logger: JsonLogger;
  /** Path of the helper; default `systemd-notify` from PATH. */
  notifyCommand?: string;
  /** The main PID systemd knows; default this process. */
  pid?: number;
}

/** The agent's link to the service manager. */
export class SystemdNotifier {
  private watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly options: SystemdNotifierOptions) {}

  /** Whether systemd asked for notifications (NOTIFY_SOCKET is set). */
  get enabled(): boolean {
    return Boolean(this.options.env.NOTIFY_SOCKET);
  }

  /** The watchdog period systemd expects for this process, in ms, if any. */
  get watchdogIntervalMs(): number | undefined {
    const usec = Number(this.options.env.WATCHDOG_USEC);
    const pid = this.options.env.WATCHDOG_PID;
    if (!this.enabled || !Number.isFinite(usec) || usec <= 0) return undefined;
    // The watchdog is meant for one process; if it names another, it is not ours to feed.
    if (pid && Number(pid) !== this.pid) return undefined;
    return usec / 1000;
  }

  /** READY=1, then keeps the watchdog fed if one is configured. */
  async ready(status?: string): Promise<void> {
    await this.send(['READY=1', ...(status ? [`STATUS=${status}`] : [])]);
    const interval = this.watchdogIntervalMs;
    if (interval !== undefined && !this.watchdog) {
      this.watchdog = setInterval(() => void this.send(['WATCHDOG=1']), Math.max(interval / 2, 100));
    }
  }

  /** STOPPING=1 and no more watchdog pings. */
  async stopping(): Promise<void> {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    await this.send(['STOPPING=1']);
  }

  /** Sends raw assignments (`STATUS=...`). Failures are logged: systemd trouble must not stop mail. */
  send(assignments: string[]): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    const command = this.options.notifyCommand ?? 'systemd-notify';
    // --no-block: do not wait for systemd to confirm (systemd-notify's barrier) on every ping.
    const args = ['--no-block', `--pid=${this.pid}`, ...assignments];
    return new Promise((resolve) => {
      execFile(command, args, { env: this.options.env, timeout: 5000 }, (error) => {
        if (error)
          this.options.logger.warn('systemd notification failed', { assignments, error: error.message });
        resolve();
      });
    });
  }

  private get pid(): number {
    return this.options.pid ?? process.pid;
  }
}
