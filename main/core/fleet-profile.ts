/**
 * The fleet profile: how a console or the CLI finds a fleet. Written by `mailfleet lab up` as
 * `<lab home>/fleet.json`; production sites write their own. Node identities and host keys come from
 * the directory, not from here: the profile only says how to reach the directory and which key the
 * admin logs in with, plus where each node listens (a hint the directory can override).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { directoryUrls } from '../../agent/common/directory/directory-urls.js';
import { nodeRoles } from '../../agent/common/directory/fleet-entries.js';

const hostPort = z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) });

export const fleetProfileSchema = z.object({
  name: z.string().min(1),
  directory: z.object({
    /** One URL, or several servers holding the same tree in order of preference. */
    url: directoryUrls,
    baseDn: z.string().min(1),
    bindDn: z.string().min(1),
    /** File holding the bind password (mode 0600); relative paths are relative to the profile. */
    bindPasswordFile: z.string().min(1),
  }),
  admin: z.object({
    uid: z.string().min(1),
    /** OpenSSH private key file the console logs in to agents with. */
    privateKeyFile: z.string().min(1),
  }),
  nodes: z.array(
    z.object({
      name: z.string().min(1),
      role: z.enum(nodeRoles),
      control: hostPort,
      /** Service endpoints by name (`metrics-http`, later `smtp`, `imap`...), `host:port`. */
      services: z.record(z.string(), z.string()).default({}),
    }),
  ),
  /** The fleet's public services (gateway SMTP, submission, IMAP, POP3) once they exist. */
  endpoints: z.record(z.string(), z.string()).default({}),
});

/** A parsed fleet profile with file paths made absolute. */
export type FleetProfile = z.infer<typeof fleetProfileSchema> & { path: string };

/** Where `mailfleet lab up` keeps the default lab: `$MAILFLEET_LAB_HOME`, else `~/.mailfleet/lab`. */
export function defaultLabHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.MAILFLEET_LAB_HOME ? resolve(env.MAILFLEET_LAB_HOME) : join(homedir(), '.mailfleet', 'lab');
}

/** The profile to use: `--fleet FILE`, else `MAILFLEET_FLEET`, else the default lab's profile. */
export function chooseProfilePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.MAILFLEET_FLEET) return resolve(env.MAILFLEET_FLEET);
  return join(defaultLabHome(env), 'fleet.json');
}

/**
 * A profile for signing in with a password (docs/delegation.md): where the directory is, and no
 * key or bind password at all. A full profile also serves (its key is then not used).
 */
export const signInProfileSchema = z.object({
  name: z.string().min(1),
  directory: z.object({ url: directoryUrls, baseDn: z.string().min(1) }),
});
/** Where a console without a key finds the directory. */
export type SignInProfile = z.infer<typeof signInProfileSchema>;

/**
 * Reads a profile for a console: a key profile (`admin` present) unless `signIn` is asked or the
 * profile has no `admin`, in which case only the directory's place is read.
 */
export async function loadConsoleProfile(
  path: string,
  signIn: boolean,
): Promise<{ key: FleetProfile } | { signIn: SignInProfile }> {
  const json = await readProfileJson(path);
  const hasKey = typeof json === 'object' && json !== null && 'admin' in json;
  if (hasKey && !signIn) return { key: parseFleetProfile(path, json) };
  const parsed = signInProfileSchema.safeParse(json);
  if (!parsed.success) throw profileError(path, parsed.error);
  return { signIn: parsed.data };
}

function profileError(path: string, error: z.ZodError): Error {
  const issues = error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
  return new Error(`fleet profile ${path} is not valid: ${issues.join('; ')}`);
}

/** Reads and checks a profile; errors name the file and the field in words. */
export async function loadFleetProfile(path: string): Promise<FleetProfile> {
  return parseFleetProfile(path, await readProfileJson(path));
}

async function readProfileJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        `no fleet profile at ${path}: start a lab with 'mailfleet lab up' or pass --fleet FILE`,
      );
    }
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`fleet profile ${path} is not valid JSON`);
  }
}

function parseFleetProfile(path: string, json: unknown): FleetProfile {
  const parsed = fleetProfileSchema.safeParse(json);
  if (!parsed.success) throw profileError(path, parsed.error);
  const base = dirname(path);
  const profile = parsed.data;
  return {
    ...profile,
    path,
    directory: { ...profile.directory, bindPasswordFile: resolve(base, profile.directory.bindPasswordFile) },
    admin: { ...profile.admin, privateKeyFile: resolve(base, profile.admin.privateKeyFile) },
  };
}
