/**
 * Builds the Debian package of the agent (`npm run package:agent`): the built agent and the npm
 * packages it needs under /usr/lib/mailfleet, the systemd unit, a default /etc/mailfleet/agent.json
 * (a conffile), the LDAP schema under /usr/share/mailfleet/ldap, and the maintainer scripts that
 * make and remove the `mailfleet` system user (build/debian/). docs/install.md says how to use it.
 */
import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { dependencyClosure, importedPackages } from './agent-dependencies.js';

/** The Debian package's name. */
export const agentPackageName = 'mailfleet-agent';

/**
 * The nodejs the package depends on: package.json's engines field (>= 20.19). Debian 12 ships
 * nodejs 18, which is too old; sites install nodejs 20 from their own repository (docs/install.md).
 */
export const nodejsDependency = 'nodejs (>= 20.19)';

/** Where the package puts things (absolute paths on the installed system). */
export const agentPackagePaths = {
  libDir: '/usr/lib/mailfleet',
  agentScript: '/usr/lib/mailfleet/bin/mailfleet-agent.js',
  config: '/etc/mailfleet/agent.json',
  configDir: '/etc/mailfleet',
  dataDir: '/var/lib/mailfleet',
  schemaDir: '/usr/share/mailfleet/ldap',
  unit: '/lib/systemd/system/mailfleet-agent.service',
  docDir: `/usr/share/doc/${agentPackageName}`,
} as const;

const projectManifest = z.object({
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  license: z.string(),
  description: z.string(),
  dependencies: z.record(z.string(), z.string()),
});

// Files of npm packages that the agent never reads at run time.
const droppedFile = /(\.map|\.[mc]?ts|\.md|\.markdown|\.node|\.gyp|\.gypi)$/i;
const droppedDir = new Set([
  'test',
  'tests',
  'test-integration',
  '__tests__',
  'example',
  'examples',
  'docs',
  'bench',
]);

/** Copies one npm package's own files (not its nested node_modules: those are copied on their own). */
async function copyPackage(from: string, to: string): Promise<void> {
  await cp(from, to, {
    recursive: true,
    filter: (source) => {
      const inside = relative(from, source);
      if (inside === '') return true;
      const parts = inside.split('/');
      if (parts[0] === 'node_modules') return false;
      // Dot files (.eslintrc, .npmignore, .gitattributes...) are the package authors' tooling.
      if (parts.some((part) => droppedDir.has(part) || part.startsWith('.'))) return false;
      // A native build directory beside binding.gyp (ssh2's optional crypto binding).
      if (parts.includes('build') && parts.slice(0, -1).includes('crypto')) return false;
      return !droppedFile.test(source);
    },
  });
}

/** Directories 0755, files 0644, scripts with a #! line 0755: what lintian and dpkg expect. */
async function normaliseModes(root: string): Promise<void> {
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      await chmod(path, 0o755);
      continue;
    }
    const head = (await readFile(path)).subarray(0, 2).toString('latin1');
    await chmod(path, head === '#!' ? 0o755 : 0o644);
  }
}

async function totalKibibytes(root: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return Math.ceil(bytes / 1024);
}

function controlFile(version: string, installedKib: number): string {
  return `${[
    `Package: ${agentPackageName}`,
    `Version: ${version}`,
    'Architecture: all',
    'Maintainer: mailfleet developers <mailfleet@example.edu>',
    `Installed-Size: ${installedKib}`,
    `Depends: ${nodejsDependency}, adduser`,
    'Section: mail',
    'Priority: optional',
    'Homepage: https://github.com/mailfleet/mailfleet',
    'Description: agent of a mailfleet mail node (store, director, gateway)',
    ' mailfleet runs a mail system made of many small mail servers with LDAP as the',
    " directory. This agent runs on every node: it serves the node's mail services",
    ' (LMTP, IMAP, POP3, SMTP routing, the IMAP/POP proxy, the anti-spam gateway)',
    " and answers the administrators' console over SSH (JSON-RPC, public keys only).",
    ' .',
    " The node's role comes from its entry in the directory. The LDAP schema is",
    ' installed under /usr/share/mailfleet/ldap for the directory servers.',
  ].join('\n')}\n`;
}

function changelog(version: string, when: Date): string {
  const date = when.toUTCString().replace('GMT', '+0000');
  return `${agentPackageName} (${version}) unstable; urgency=medium\n\n  * Package built from the mailfleet source tree.\n\n -- mailfleet developers <mailfleet@example.edu>  ${date}\n`;
}

/** What {@link buildAgentPackage} made. */
export interface BuiltAgentPackage {
  /** The .deb file. */
  file: string;
  version: string;
  /** The npm packages inside (lock file paths). */
  npmPackages: string[];
}

/**
 * Builds `<outDir>/mailfleet-agent_<version>_all.deb` from a built project (`npm run build` first:
 * it packs dist/agent). Needs dpkg-deb.
 */
export async function buildAgentPackage(projectDir: string, outDir: string): Promise<BuiltAgentPackage> {
  const manifest = projectManifest.parse(
    JSON.parse(await readFile(join(projectDir, 'package.json'), 'utf8')),
  );
  const builtAgent = join(projectDir, 'dist', 'agent');
  const staging = await mkdtemp(join(tmpdir(), 'mailfleet-agent-deb-'));
  try {
    const root = join(staging, 'root');
    const lib = join(root, agentPackagePaths.libDir);
    // The built agent, without source maps (they point at sources the package does not carry).
    await cp(builtAgent, join(lib, 'dist', 'agent'), {
      recursive: true,
      filter: (source) => !source.endsWith('.map'),
    });
    await mkdir(join(lib, 'bin'), { recursive: true });
    await cp(join(projectDir, 'bin', 'mailfleet-agent.js'), join(lib, 'bin', 'mailfleet-agent.js'));
    const imported = await importedPackages(builtAgent);
    const npmPackages = await dependencyClosure(projectDir, imported);
    for (const path of npmPackages) await copyPackage(join(projectDir, path), join(lib, path));
    // What Node needs to load the tree as ES modules, and what the agent reports as its version.
    const dependencies = Object.fromEntries(
      [...imported].sort().map((name) => [name, manifest.dependencies[name] ?? '*']),
    );
    await writeFile(
      join(lib, 'package.json'),
      `${JSON.stringify({ name: 'mailfleet', version: manifest.version, private: true, type: 'module', license: manifest.license, dependencies }, null, 2)}\n`,
    );
    // The schema lives under /usr/share; the agent finds it as build/ldap above its own files.
    const schemaDir = join(root, agentPackagePaths.schemaDir);
    await cp(join(projectDir, 'build', 'ldap'), schemaDir, { recursive: true });
    await mkdir(join(lib, 'build'), { recursive: true });
    await symlink('../../../share/mailfleet/ldap', join(lib, 'build', 'ldap'));

    await mkdir(join(root, '/lib/systemd/system'), { recursive: true });
    await cp(
      join(projectDir, 'build', 'systemd', 'mailfleet-agent.service'),
      join(root, agentPackagePaths.unit),
    );
    await mkdir(join(root, agentPackagePaths.configDir), { recursive: true });
    await cp(join(projectDir, 'build', 'debian', 'agent.json'), join(root, agentPackagePaths.config));

    const doc = join(root, agentPackagePaths.docDir);
    await mkdir(doc, { recursive: true });
    await cp(join(projectDir, 'build', 'debian', 'copyright'), join(doc, 'copyright'));
    for (const page of ['agent.md', 'install.md']) await cp(join(projectDir, 'docs', page), join(doc, page));
    await writeFile(
      join(doc, 'changelog.gz'),
      gzipSync(changelog(manifest.version, new Date()), { level: 9 }),
    );

    await normaliseModes(root);
    const debian = join(root, 'DEBIAN');
    await mkdir(debian, { mode: 0o755 });
    for (const script of ['postinst', 'prerm', 'postrm']) {
      await cp(join(projectDir, 'build', 'debian', script), join(debian, script));
      await chmod(join(debian, script), 0o755);
    }
    await writeFile(join(debian, 'conffiles'), `${agentPackagePaths.config}\n`, { mode: 0o644 });
    const md5sums = execFileSync(
      'sh',
      [
        '-c',
        "find . -path ./DEBIAN -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum | sed 's# \\./# #'",
      ],
      { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    await writeFile(join(debian, 'md5sums'), md5sums, { mode: 0o644 });
    await writeFile(join(debian, 'control'), controlFile(manifest.version, await totalKibibytes(root)), {
      mode: 0o644,
    });

    await mkdir(outDir, { recursive: true });
    const file = join(outDir, `${agentPackageName}_${manifest.version}_all.deb`);
    execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', root, file], { stdio: 'pipe' });
    return { file, version: manifest.version, npmPackages };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
