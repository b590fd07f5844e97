/**
 * Signing in to the fleet with a directory user name and password, for an admin without a key
 * (issue 15, docs/delegation.md): an LDAP bind as `uid=<name>,ou=admins` (throttled by the
 * directory: the embedded server's bind throttle, slapd's ppolicy), the admin's own entry read
 * for its tier and domains, then a FleetClient whose links sign in to every agent with the same
 * password (the agents check it again at every call). The password stays in this process.
 *
 * A refusal comes back in words (English and Japanese); a wrong name, a wrong password and a
 * locked account read alike, so the page tells a guesser nothing.
 */
import type { AdminTier } from '../../agent/common/directory/fleet-entries.js';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import { sshAgentConnector } from './agent-connector.js';
import { toDirectoryAdminError } from './directory-admin/directory-admin-errors.js';
import type { FleetClient } from './fleet-client.js';
import type { KnownNodesStore } from './known-nodes.js';
import type { AgentConnector } from './node-link.js';
import { startFleetClient } from './open-fleet.js';

/** Where the directory is (a fleet profile without a key: docs/delegation.md). */
export interface SignInDirectory {
  url: string | string[];
  baseDn: string;
}

/** Who signed in, as the console needs it to show only what the tier may do. */
export interface SignedInAdmin {
  uid: string;
  displayName: string;
  tier: Exclude<AdminTier, 'user'>;
  /** A department admin's mail domains (lower case); empty for the other tiers. */
  domains: string[];
}

/** Why a sign-in was refused. */
export type SignInRefusal = 'bad-credentials' | 'no-console-role' | 'directory-down';

/** The words of each refusal. */
export const signInRefusalTexts: Record<SignInRefusal, { en: string; ja: string }> = {
  'bad-credentials': {
    en: 'The user name or password is wrong. After several wrong tries, signing in waits for a while.',
    ja: 'ユーザー名またはパスワードが違います。何度も間違えると、しばらくサインインできなくなります。',
  },
  'no-console-role': {
    en: 'This account has no role in the console. Ask the system administrator.',
    ja: 'このアカウントにはコンソールを使う権限がありません。システム管理者にお問い合わせください。',
  },
  'directory-down': {
    en: 'The directory cannot be reached. Try again in a moment.',
    ja: 'ディレクトリに接続できません。しばらくしてから再度お試しください。',
  },
};

/** A signed-in fleet: close it on sign-out or idle time-out. */
export interface PasswordFleet {
  admin: SignedInAdmin;
  /**
   * True once an agent refused the password (changed, locked, or the admin removed): the links
   * stop signing in, so a changed password costs one failed check per agent at most, not one per
   * reconnect (which would keep the admin's entry locked by the directory's throttle). The person
   * signs in again.
   */
  readonly ended: boolean;
  /** The directory client bound as the admin (directory administration goes through it). */
  directory: LdapFleetDirectory;
  fleet: FleetClient;
  close(): Promise<void>;
}

/** The outcome of a sign-in. */
export type SignInResult =
  | { ok: true; signedIn: PasswordFleet }
  | { ok: false; refusal: SignInRefusal; message: { en: string; ja: string } };

// As the agents accept it (agent/control/admin-password-check.ts).
const adminUidPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const maxPasswordBytes = 1024;

function refused(refusal: SignInRefusal): SignInResult {
  return { ok: false, refusal, message: { ...signInRefusalTexts[refusal] } };
}

/** Signs in as `uid` with `password`; on success the fleet's links are started. */
export async function signInWithPassword(
  where: SignInDirectory,
  uid: string,
  password: string,
  options: { subscribe: boolean; followMoves?: boolean; knownNodes?: KnownNodesStore },
): Promise<SignInResult> {
  // An empty password would be an unauthenticated bind, which some servers accept.
  if (!adminUidPattern.test(uid) || password === '' || Buffer.byteLength(password) > maxPasswordBytes)
    return refused('bad-credentials');
  const tree = new FleetTree(where.baseDn);
  const directory = LdapFleetDirectory.withPassword({
    url: where.url,
    baseDn: where.baseDn,
    bindDn: tree.admin(uid),
    bindPassword: password,
  });
  let admin: SignedInAdmin;
  try {
    const entry = await directory.getAdmin(uid);
    if (!entry || entry.tier === 'user' || !tree.isAdminEntry(entry.dn)) {
      await directory.close().catch(() => {});
      return refused('no-console-role');
    }
    admin = {
      uid: entry.uid,
      displayName: entry.displayName,
      tier: entry.tier,
      domains: entry.tier === 'domain' ? entry.domains : [],
    };
  } catch (error) {
    await directory.close().catch(() => {});
    return refused(
      toDirectoryAdminError(error).code === 'directory-down' ? 'directory-down' : 'bad-credentials',
    );
  }
  let ended = false;
  const signIn = sshAgentConnector({ uid, password });
  const connector: AgentConnector = async (server) => {
    if (ended) throw new Error('the sign-in has ended: the password was refused; sign in again');
    try {
      return await signIn(server);
    } catch (error) {
      // ssh2 marks a refused login (as opposed to a node that did not answer) with this level.
      if ((error as { level?: unknown }).level === 'client-authentication') ended = true;
      throw error;
    }
  };
  const { fleet, close } = await startFleetClient(directory, {
    connector,
    subscribe: options.subscribe,
    followMoves: options.followMoves ?? false,
    ...(options.knownNodes ? { knownNodes: options.knownNodes } : {}),
  });
  return {
    ok: true,
    signedIn: {
      admin,
      get ended() {
        return ended;
      },
      directory,
      fleet,
      close,
    },
  };
}
