/** A real MailQueue behind the real dispatcher and audit log, for the queue RPC tests. */
import { join } from 'node:path';
import { JsonLogger } from '../../../../../agent/common/json-logger.js';
import { AuditLog } from '../../../../../agent/control/audit-log.js';
import type { Caller } from '../../../../../agent/control/caller-key-cache.js';
import type { MethodHandlers } from '../../../../../agent/control/method-handler.js';
import { queueMethods } from '../../../../../agent/control/queue-methods.js';
import { RpcDispatcher } from '../../../../../agent/control/rpc-dispatcher.js';
import { MailQueue, type MailQueueOptions } from '../../../../../agent/mail/director/queue/mail-queue.js';
import { fixedCallerChannel } from '../../../../support/fixed-caller-channel.js';

/** An RPC answer as the tests read it. */
export interface Answer {
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

const unreachable = () => {
  throw new Error('not used in this test');
};

/** The queue, the dispatcher in front of it and the audit log behind it. */
export class QueueRpcHarness {
  queue: MailQueue | undefined;
  readonly audit: AuditLog;
  private readonly dispatcher: RpcDispatcher;
  private id = 0;

  constructor(
    readonly root: string,
    private readonly queueOptions: Omit<MailQueueOptions, 'root'>,
    /** The delegated domains of each department admin (uid to domains). */
    departments: Record<string, string[]> = {},
  ) {
    const adminDomains = async (uid: string) => departments[uid] ?? [];
    this.audit = new AuditLog(join(root, 'audit.log'));
    const handlers = new Proxy({} as MethodHandlers, {
      get: (_target, name) =>
        (
          queueMethods({
            queue: () => this.queue,
            router: () => undefined,
            now: () => this.queueOptions.clock.now(),
            adminDomains,
          }) as Record<string | symbol, unknown>
        )[name] ?? unreachable,
    });
    this.dispatcher = new RpcDispatcher({
      node: 'director01',
      handlers,
      audit: this.audit,
      logger: new JsonLogger('director01', 'control', 'error', () => {}),
      adminDomains,
    });
  }

  /** Opens the audit log and starts the queue. */
  async start(): Promise<void> {
    await this.audit.open();
    await this.startQueue();
  }

  /** Starts a fresh MailQueue on the same spool (a restart). */
  async startQueue(): Promise<MailQueue> {
    this.queue = new MailQueue({ root: join(this.root, 'queue'), ...this.queueOptions });
    await this.queue.start();
    return this.queue;
  }

  /** Calls a method as `caller` through the dispatcher. */
  async call(caller: Caller, method: string, params: unknown = {}): Promise<Answer> {
    const channel = fixedCallerChannel(caller);
    const line = JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method, params });
    return (await this.dispatcher.dispatch(line, channel)) as Answer;
  }

  /** Stops the queue and closes the audit log. */
  async stop(): Promise<void> {
    await this.queue?.stop();
    await this.audit.close();
  }
}
