/**
 * A console opened without a fleet profile key (issue 15, docs/delegation.md): it starts on the
 * sign-in page, and a directory user name and password open the fleet as that admin
 * (main/core/password-sign-in.ts). Until then, and again after a sign-out, an idle time-out or an
 * agent refusing the password (changed elsewhere), only the `session.*` and `locale.*` calls
 * answer; every other call is `forbidden`.
 *
 * While signed in, each call is first checked against the admin's tier (console-tiers.ts) and then
 * run by a {@link ConsoleService} on the admin's own fleet. The password lives in that fleet's
 * links and directory client only, and goes with them at sign-out.
 */
import { EventBus } from '../core/event-bus.js';
import {
  type PasswordFleet,
  type SignInDirectory,
  type SignInResult,
  signInWithPassword,
} from '../core/password-sign-in.js';
import { consoleServiceOn } from './console-backend.js';
import { ConsoleCallError } from './console-call-error.js';
import type { ConsoleCallName, ConsoleCallResult, ConsoleLocale } from './console-contract.js';
import type { ConsoleFleetSnapshot } from './console-fleet-snapshot.js';
import type { ConsoleService, ConsoleServiceEvents } from './console-service.js';
import type { ConsoleSettingsStore } from './console-settings.js';
import { tierMayCall } from './console-tiers.js';
import type { SessionState, SignedOutReason } from './session-calls.js';

/** Idle time after which a password session ends, unless set: 30 minutes (issue 15). */
export const defaultIdleMinutes = 30;

/** Options of {@link PasswordConsole}. */
export interface PasswordConsoleOptions {
  directory: SignInDirectory;
  settings: ConsoleSettingsStore;
  systemLocale: ConsoleLocale;
  /** Idle minutes before the session ends (fractions allowed, for tests); default 30. */
  idleMinutes?: number;
  /** The sign-in (tests may pass the real one with other options). */
  signIn?: (uid: string, password: string) => Promise<SignInResult>;
}

interface SignedIn {
  signed: PasswordFleet;
  service: ConsoleService;
  idleTimer: ReturnType<typeof setTimeout>;
}

/** The console of a profile without a key: sign-in, tier checks, idle and password-refused sign-out. */
export class PasswordConsole {
  readonly events = new EventBus<ConsoleServiceEvents>();
  private current: SignedIn | undefined;
  private reason: SignedOutReason | null = null;
  private readonly idleMs: number;
  /** One sign-in at a time: a second one while the first runs is refused, not queued. */
  private signingIn = false;

  constructor(private readonly options: PasswordConsoleOptions) {
    this.idleMs = (options.idleMinutes ?? defaultIdleMinutes) * 60_000;
  }

  /** The fleet now, or an empty one while nobody is signed in. */
  snapshot(): ConsoleFleetSnapshot {
    return this.current?.service.snapshot() ?? { at: Date.now(), directory: { reachable: false }, nodes: [] };
  }

  /** Signs out (the console is closing). */
  async stop(): Promise<void> {
    await this.end('signed-out');
  }

  /** Who is using the console now. */
  state(): SessionState {
    const current = this.live();
    if (!current) return { state: 'signed-out', reason: this.reason, idleMinutes: this.idleMs / 60_000 };
    return { state: 'signed-in', admin: current.signed.admin, idleMinutes: this.idleMs / 60_000 };
  }

  /** Runs one call whose params passed the contract's schema. */
  async run<C extends ConsoleCallName>(name: C, params: never): Promise<ConsoleCallResult<C>> {
    const answer = await this.runAny(name, params);
    return answer as ConsoleCallResult<C>;
  }

  private async runAny(name: ConsoleCallName, params: Record<string, unknown>): Promise<unknown> {
    switch (name) {
      case 'session.state':
        return this.state();
      case 'session.signIn':
        return this.signIn(String(params.uid), String(params.password));
      case 'session.signOut':
        await this.end('signed-out');
        return this.state();
      case 'session.touch':
        if (this.live()) this.touch();
        return { ok: true };
      case 'locale.get':
      case 'locale.set':
        // The sign-in page speaks the chosen language before anyone signs in.
        return this.localeCall(name, params);
    }
    const current = this.live();
    if (!current) {
      throw new ConsoleCallError('forbidden', 'nobody is signed in to this console: sign in first');
    }
    const { tier, uid } = current.signed.admin;
    if (!tierMayCall(tier, name)) {
      throw new ConsoleCallError('forbidden', `${name} is not allowed to ${uid} (tier ${tier})`);
    }
    return current.service.run(name, params as never);
  }

  private async localeCall(name: 'locale.get' | 'locale.set', params: Record<string, unknown>) {
    const { settings, systemLocale } = this.options;
    if (name === 'locale.set') {
      await settings.write({ ...(await settings.read()), locale: params.locale as ConsoleLocale });
    }
    const { locale } = await settings.read();
    return { locale: locale ?? systemLocale, system: systemLocale };
  }

  /** The signed-in session, after ending it if an agent refused its password meanwhile. */
  private live(): SignedIn | undefined {
    if (this.current?.signed.ended) void this.end('password-refused');
    return this.current;
  }

  private async signIn(uid: string, password: string) {
    if (this.signingIn) {
      return {
        ok: false as const,
        message: { en: 'A sign-in is already under way.', ja: 'サインイン中です。' },
      };
    }
    this.signingIn = true;
    try {
      const result = await (this.options.signIn ?? this.defaultSignIn)(uid, password);
      if (!result.ok) return { ok: false as const, message: result.message };
      // Signing in again replaces the session (another person at the same console).
      await this.end('signed-out');
      const { signed } = { signed: result.signedIn };
      const service = consoleServiceOn({
        fleet: signed.fleet,
        directory: signed.directory,
        adminUid: signed.admin.uid,
        settings: this.options.settings,
        systemLocale: this.options.systemLocale,
      });
      service.events.on('fleet.snapshot', this, (payload) => this.events.emit('fleet.snapshot', payload));
      service.events.on('move.progress', this, (payload) => this.events.emit('move.progress', payload));
      service.start();
      this.current = { signed, service, idleTimer: this.idleTimer() };
      this.reason = null;
      return { ok: true as const, session: this.state() };
    } finally {
      this.signingIn = false;
    }
  }

  private readonly defaultSignIn = (uid: string, password: string) =>
    signInWithPassword(this.options.directory, uid, password, { subscribe: true, followMoves: true });

  private idleTimer(): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => void this.end('idle'), this.idleMs);
    timer.unref();
    return timer;
  }

  private touch(): void {
    if (!this.current) return;
    clearTimeout(this.current.idleTimer);
    this.current.idleTimer = this.idleTimer();
  }

  /** Ends the session (if any): its links close and its password goes with them. */
  private async end(reason: SignedOutReason): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    this.reason = reason;
    clearTimeout(current.idleTimer);
    current.service.events.removeOwner(this);
    current.service.stop();
    await current.signed.close().catch(() => {});
  }
}
