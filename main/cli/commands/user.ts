/**
 * `mailfleet user find|show|add|passwd|disable|enable`: the directory view's daily tasks, through
 * the console core's DirectoryAdmin bound as the profile's admin. The directory's access rules
 * decide what this admin may do (a department admin its own domains only); a refusal is printed in
 * the directory administration's words, in Japanese under a Japanese locale.
 */
import { parseArgs } from 'node:util';
import { sizeInWords } from '../../../agent/common/in-words.js';
import { DirectoryAdmin } from '../../core/directory-admin/directory-admin.js';
import type { DirectoryAdminResult, UserPage } from '../../core/directory-admin/directory-admin-contract.js';
import { type CliWords, cliWords } from '../cli-words.js';
import { type CommandIo, type CommandSpec, UsageError } from '../command-spec.js';
import { formatTable } from '../output.js';
import { readPassword } from '../read-password.js';
import { withDirectory } from './fleet-options.js';

/** The value of a DirectoryAdmin result, or its refusal thrown in words. */
export function resultValue<T>(result: DirectoryAdminResult<T>, words: CliWords): T {
  if (!result.ok) throw new Error(words.directoryError(result.error));
  return result.value;
}

function pageLines(page: UserPage): string[] {
  const quota = page.quotaBytes ?? page.domainDefaultQuotaBytes;
  return [
    `address:       ${page.mail}`,
    `name:          ${page.displayName}${page.reading ? ` (${page.reading})` : ''}`,
    `state:         ${page.state}`,
    `mail store:    ${page.logicalStore}`,
    `quota:         ${quota === null ? 'no limit' : sizeInWords(quota)}${page.quotaBytes === null ? ' (domain default)' : ''}`,
    `addresses:     ${page.aliases.length > 0 ? page.aliases.join(', ') : '-'}`,
    `forwarded to:  ${page.forwardTo ?? '-'}`,
  ];
}

async function userCommand(argv: string[], { out }: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      json: { type: 'boolean', default: false },
      domain: { type: 'string' },
      store: { type: 'string' },
      limit: { type: 'string', default: '100' },
      name: { type: 'string' },
      reading: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, subject, ...extra] = positionals;
  const words = cliWords();
  const needsSubject = action !== 'find';
  if (!action || !userSpec.subcommands?.includes(action) || (needsSubject && !subject) || extra.length > 0)
    throw new UsageError(words.say('error.usage'));
  const show = (page: UserPage) =>
    out(values.json ? JSON.stringify(page, null, 2) : pageLines(page).join('\n'));
  return withDirectory(values.fleet, async (directory) => {
    const admin = new DirectoryAdmin({ directory });
    switch (action) {
      case 'find': {
        const found = resultValue(
          await admin.search({
            text: subject ?? '',
            ...(values.domain ? { domain: values.domain } : {}),
            ...(values.store ? { logicalStore: values.store } : {}),
            limit: Number(values.limit),
          }),
          words,
        );
        if (values.json) out(JSON.stringify(found, null, 2));
        else if (found.users.length === 0) out(words.say('user.none'));
        else {
          out(
            formatTable(
              ['ADDRESS', 'NAME', 'STORE', 'STATE'],
              found.users.map((u) => [u.mail, u.displayName, u.logicalStore, u.state]),
            ),
          );
          out(words.say('user.matched', { shown: found.users.length, total: found.total }));
        }
        return 0;
      }
      case 'show':
        show(resultValue(await admin.user({ address: subject }), words));
        return 0;
      case 'add': {
        // Checked before the prompt, so nobody types a password for a command that cannot run.
        if (!values.name || !values.store) throw new UsageError(words.say('error.usage'));
        const password = await readPassword(words, subject!);
        const page = resultValue(
          await admin.addUser({
            address: subject,
            displayName: values.name,
            logicalStore: values.store,
            password,
            ...(values.reading ? { reading: values.reading } : {}),
          }),
          words,
        );
        if (values.json) show(page);
        else out(words.say('user.added', { address: page.mail, store: page.logicalStore }));
        return 0;
      }
      case 'passwd': {
        // The user must exist before anyone types a password for it.
        const page = resultValue(await admin.user({ address: subject }), words);
        const newPassword = await readPassword(words, page.mail);
        const changed = resultValue(await admin.resetPassword({ address: page.mail, newPassword }), words);
        out(
          values.json ? JSON.stringify(changed) : words.say('password.changed', { address: changed.address }),
        );
        return 0;
      }
      default: {
        const state = action === 'disable' ? 'disabled' : 'active';
        const page = resultValue(await admin.updateUser({ address: subject, state }), words);
        if (values.json) show(page);
        else out(words.say(action === 'disable' ? 'user.disabled' : 'user.enabled', { address: page.mail }));
        return 0;
      }
    }
  });
}

/** `mailfleet user`. */
export const userSpec: CommandSpec = {
  name: 'user',
  summary: 'find, show, add users, set a password, disable or enable a user',
  usage: [
    'user find [TEXT] [--domain DOMAIN] [--store STORE] [--limit N] [--json]',
    'user show ADDRESS [--json]',
    'user add ADDRESS --name "DISPLAY NAME" --store STORE [--reading KANA] [--json]',
    'user passwd ADDRESS',
    'user disable|enable ADDRESS [--json]',
  ],
  details: [
    'find matches the address, further addresses, the name, its reading (kana or romaji) and the uid.',
    'Passwords are never taken from the command line: add and passwd ask for the password twice at a',
    'terminal, or read the first line of standard input:  printf "%s\\n" "$pw" | mailfleet user passwd ADDRESS',
    'The directory decides what this login may do; a department admin reaches its own domains only.',
    '--fleet FILE  fleet profile (default: $MAILFLEET_FLEET, else the default lab)',
  ],
  subcommands: ['find', 'show', 'add', 'passwd', 'disable', 'enable'],
  flags: ['fleet', 'json', 'domain', 'store', 'limit', 'name', 'reading', 'help'],
  run: userCommand,
};
