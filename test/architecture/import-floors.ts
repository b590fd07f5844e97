/**
 * The floors of the tree (docs/architecture.md) as rules over import edges: which folder may
 * import which. Read with the TypeScript parser, so `import type`, `export ... from` and
 * `import()` all count, and a type-only import is told from one that brings code along.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import ts from 'typescript';

/** One import of one source file, both ends as paths from the repository root. */
export interface ImportEdge {
  from: string;
  to: string;
  /** Nothing of `to` runs in `from`: `import type`, `export type ... from`, or only `type` names. */
  typeOnly: boolean;
}

/** A broken rule: the edge and which rule it breaks, in words. */
export interface FloorViolation {
  edge: ImportEdge;
  rule: string;
}

const sourceEndings = ['.ts', '.tsx'];

/** Every relative import of every .ts/.tsx file below `folders` of `root`. */
export function readImportEdges(root: string, folders: readonly string[]): ImportEdge[] {
  const files = folders.flatMap((folder) => sourceFiles(root, folder));
  const known = new Set(files);
  return files.flatMap((file) => importsOf(file, readFileSync(join(root, file), 'utf8'), known));
}

/** The relative imports in one file's text; `known` resolves `x.js` to `x.ts` and the like. */
export function importsOf(file: string, text: string, known: ReadonlySet<string>): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, scriptKind(file));
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return;
    edges.push({ from: file, to: resolveSpecifier(file, specifier, known), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, importIsTypeOnly(node));
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal))
        add(argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/**
 * The rules. The floor (`agent/common/`) holds what the agent and the console both use and imports
 * nothing of either; the console (`main/`) takes from the agent only the floor, and the lab the
 * embedded directory it seeds; the page (`renderer/`) takes only types, and only through the
 * console API's one file; the agent takes nothing of the console. Inside agent/mail/, the protocol
 * floor (codecs and checks every role shares) imports no role's code, and the rooms of the roles
 * (store, director, gateway, and the director's proxy) import none of each other's.
 */
export function floorViolations(edges: readonly ImportEdge[]): FloorViolation[] {
  const violations: FloorViolation[] = [];
  for (const edge of edges) {
    const rule = brokenRule(edge);
    if (rule) violations.push({ edge, rule });
  }
  return violations;
}

const floor = 'agent/common/';
const consoleApi = 'main/console/console-contract.ts';
/**
 * Words the page and the CLI both say (the queue's and Mail Trace's sentences): the page may
 * import them whole, so they may import nothing but types (no Node code reaches the bundle).
 */
const sharedWords: readonly string[] = ['main/console/mail-story.ts'];

const mailProtocol = 'agent/mail/protocol/';
// The mail rooms of each role (agent/roles.ts); the proxy is the director's.
const mailRooms = ['store', 'director', 'gateway', 'proxy'].map((room) => `agent/mail/${room}/`);
const mayUse: Record<string, readonly string[]> = { 'agent/mail/proxy/': ['agent/mail/director/'] };

function brokenRule({ from, to, typeOnly }: ImportEdge): string | undefined {
  if (from.startsWith(floor)) {
    return to.startsWith(floor) ? undefined : 'the floor (agent/common/) imports nothing outside itself';
  }
  if (from.startsWith('agent/')) {
    if (to.startsWith('main/') || to.startsWith('renderer/')) return 'the agent imports no console code';
    return mailRule(from, to);
  }
  if (sharedWords.includes(from) && !typeOnly) {
    return 'the words shared with the page import only types';
  }
  if (from.startsWith('main/')) {
    if (to.startsWith('renderer/')) return 'the console core imports nothing of the page';
    if (!to.startsWith('agent/') || to.startsWith(floor)) return undefined;
    // The lab seeds and runs the embedded directory in its own files (main/lab/create-lab.ts).
    if (from.startsWith('main/lab/') && to.startsWith('agent/directory/embedded/')) return undefined;
    return 'main/ imports from agent/ only the floor (agent/common/)';
  }
  if (from.startsWith('renderer/')) {
    if (to.startsWith('renderer/') || sharedWords.includes(to)) return undefined;
    if (to !== consoleApi) return `the page imports from outside renderer/ only ${consoleApi}`;
    return typeOnly ? undefined : 'the page imports only types from the console core';
  }
  return undefined;
}

function mailRule(from: string, to: string): string | undefined {
  if (from.startsWith(mailProtocol)) {
    if (to.startsWith(mailProtocol) || to.startsWith(floor)) return undefined;
    return 'the mail protocol floor (agent/mail/protocol/) imports only itself and agent/common/';
  }
  const fromRoom = mailRooms.find((room) => from.startsWith(room));
  const toRoom = mailRooms.find((room) => to.startsWith(room));
  if (!fromRoom || !toRoom || fromRoom === toRoom || mayUse[fromRoom]?.includes(toRoom)) return undefined;
  return "a role's mail room (store, director, gateway, proxy) imports no other role's room";
}

function importIsTypeOnly(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

function resolveSpecifier(file: string, specifier: string, known: ReadonlySet<string>): string {
  const target = posix.normalize(posix.join(posix.dirname(file), specifier));
  const stem = target.replace(/\.(m|c)?js$/, '');
  const candidates = [target, ...sourceEndings.map((ending) => stem + ending), `${target}/index.ts`];
  return candidates.find((candidate) => known.has(candidate)) ?? target;
}

function scriptKind(file: string): ts.ScriptKind {
  return file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
}

function sourceFiles(root: string, folder: string): string[] {
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (
        sourceEndings.some((ending) => entry.name.endsWith(ending)) &&
        !entry.name.endsWith('.d.ts')
      ) {
        found.push(relative(root, path).split('\\').join('/'));
      }
    }
  };
  walk(join(root, folder));
  return found;
}
