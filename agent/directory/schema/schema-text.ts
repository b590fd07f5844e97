/**
 * Reader for OpenLDAP `.schema` files (RFC 4512 definitions with OpenLDAP's `attributetype`,
 * `objectclass` and `objectidentifier` keywords). The shipped build/ldap/*.schema files are the
 * one source of truth: the embedded server parses them at start and the cn=config LDIF is
 * rendered from them.
 */

/** An attribute type as written in a schema file (macros already expanded in `oid`). */
export interface AttributeTypeDefinition {
  kind: 'attributetype';
  oid: string;
  names: string[];
  description?: string;
  sup?: string;
  equality?: string;
  ordering?: string;
  substr?: string;
  syntax?: string;
  singleValue: boolean;
  noUserModification: boolean;
  usage: string;
  /** The definition as written (macros not expanded), for rendering cn=config LDIF. */
  source: string;
}

/** An object class as written in a schema file. */
export interface ObjectClassDefinition {
  kind: 'objectclass';
  oid: string;
  names: string[];
  description?: string;
  sup: string[];
  classKind: 'ABSTRACT' | 'STRUCTURAL' | 'AUXILIARY';
  must: string[];
  may: string[];
  source: string;
}

/** An `objectidentifier NAME OID` macro. */
export interface ObjectIdentifierDefinition {
  kind: 'objectidentifier';
  name: string;
  oid: string;
  source: string;
}

export type SchemaDefinition = AttributeTypeDefinition | ObjectClassDefinition | ObjectIdentifierDefinition;

/** Thrown for a schema file that cannot be read. */
export class SchemaSyntaxError extends Error {
  constructor(where: string, why: string) {
    super(`schema ${where}: ${why}`);
    this.name = 'SchemaSyntaxError';
  }
}

/** Parses the text of a `.schema` file. `origin` names the file in error messages. */
export function parseSchemaText(text: string, origin = 'schema'): SchemaDefinition[] {
  const macros = new Map<string, string>();
  const out: SchemaDefinition[] = [];
  for (const statement of statements(text)) {
    const match = /^(\S+)\s+([\s\S]*)$/.exec(statement);
    if (!match) throw new SchemaSyntaxError(origin, `cannot read ${JSON.stringify(statement.slice(0, 60))}`);
    const keyword = (match[1] as string).toLowerCase();
    const rest = (match[2] as string).trim();
    if (keyword === 'objectidentifier') {
      const [name, oid] = rest.split(/\s+/);
      if (!name || !oid) throw new SchemaSyntaxError(origin, `bad objectidentifier ${rest}`);
      macros.set(name.toLowerCase(), expandOid(oid, macros));
      out.push({ kind: 'objectidentifier', name, oid, source: rest });
    } else if (keyword === 'attributetype' || keyword === 'objectclass') {
      const fields = parseDefinition(tokenize(rest, origin), origin);
      const oid = expandOid(fields.oid, macros);
      out.push(
        keyword === 'attributetype' ? attributeType(fields, oid, rest) : objectClass(fields, oid, rest),
      );
    } else {
      throw new SchemaSyntaxError(origin, `unknown keyword ${keyword}`);
    }
  }
  return out;
}

/** Joins continuation lines (starting with white space) and drops comments and blank lines. */
function statements(text: string): string[] {
  const result: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#') || line.trim() === '') continue;
    if (/^\s/.test(line) && result.length > 0) result[result.length - 1] += ` ${line.trim()}`;
    else result.push(line.trim());
  }
  return result;
}

function expandOid(oid: string, macros: Map<string, string>): string {
  const colon = oid.indexOf(':');
  if (colon < 0) return macros.get(oid.toLowerCase()) ?? oid;
  const base = macros.get(oid.slice(0, colon).toLowerCase());
  if (!base) return oid;
  return `${base}.${oid.slice(colon + 1)}`;
}

type Token = { quoted: boolean; text: string };

function tokenize(text: string, origin: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '$') {
      tokens.push({ quoted: false, text: c });
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new SchemaSyntaxError(origin, 'unterminated quoted string');
      tokens.push({ quoted: true, text: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && !/[\s()$']/.test(text[end] as string)) end++;
      tokens.push({ quoted: false, text: text.slice(i, end) });
      i = end;
    }
  }
  return tokens;
}

interface DefinitionFields {
  oid: string;
  values: Map<string, string[]>;
}

/** Reads `( oid KEY value KEY ( a $ b ) FLAG ... )` into a map of upper-case keys. */
function parseDefinition(tokens: Token[], origin: string): DefinitionFields {
  if (tokens[0]?.text !== '(' || tokens[tokens.length - 1]?.text !== ')') {
    throw new SchemaSyntaxError(origin, 'a definition must be in parentheses');
  }
  const body = tokens.slice(1, -1);
  const oid = body.shift();
  if (!oid) throw new SchemaSyntaxError(origin, 'a definition has no OID');
  const values = new Map<string, string[]>();
  while (body.length > 0) {
    const key = (body.shift() as Token).text.toUpperCase();
    const next = body[0];
    if (
      !next ||
      (!next.quoted && next.text !== '(' && /^[A-Z][A-Z-]*$/.test(next.text) && isKeyword(next.text))
    ) {
      values.set(key, []);
      continue;
    }
    if (next.text === '(' && !next.quoted) {
      body.shift();
      const list: string[] = [];
      for (let t = body.shift(); t && !(t.text === ')' && !t.quoted); t = body.shift()) {
        if (!(t.text === '$' && !t.quoted)) list.push(t.text);
      }
      values.set(key, list);
    } else {
      values.set(key, [(body.shift() as Token).text]);
    }
  }
  return { oid: oid.text, values };
}

const keywords = new Set([
  'NAME',
  'DESC',
  'OBSOLETE',
  'SUP',
  'EQUALITY',
  'ORDERING',
  'SUBSTR',
  'SYNTAX',
  'SINGLE-VALUE',
  'COLLECTIVE',
  'NO-USER-MODIFICATION',
  'USAGE',
  'ABSTRACT',
  'STRUCTURAL',
  'AUXILIARY',
  'MUST',
  'MAY',
]);

function isKeyword(text: string): boolean {
  return keywords.has(text) || text.startsWith('X-');
}

function attributeType(fields: DefinitionFields, oid: string, source: string): AttributeTypeDefinition {
  const one = (key: string) => fields.values.get(key)?.[0];
  const syntax = one('SYNTAX')?.replace(/\{\d+\}$/, '');
  const definition: AttributeTypeDefinition = {
    kind: 'attributetype',
    oid,
    names: fields.values.get('NAME') ?? [],
    singleValue: fields.values.has('SINGLE-VALUE'),
    noUserModification: fields.values.has('NO-USER-MODIFICATION'),
    usage: one('USAGE') ?? 'userApplications',
    source,
  };
  const optional = {
    description: one('DESC'),
    sup: one('SUP'),
    equality: one('EQUALITY'),
    ordering: one('ORDERING'),
    substr: one('SUBSTR'),
    syntax,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(definition, { [key]: value });
  }
  return definition;
}

function objectClass(fields: DefinitionFields, oid: string, source: string): ObjectClassDefinition {
  const classKind = fields.values.has('ABSTRACT')
    ? 'ABSTRACT'
    : fields.values.has('AUXILIARY')
      ? 'AUXILIARY'
      : 'STRUCTURAL';
  const definition: ObjectClassDefinition = {
    kind: 'objectclass',
    oid,
    names: fields.values.get('NAME') ?? [],
    sup: fields.values.get('SUP') ?? [],
    classKind,
    must: fields.values.get('MUST') ?? [],
    may: fields.values.get('MAY') ?? [],
    source,
  };
  const description = fields.values.get('DESC')?.[0];
  if (description !== undefined) definition.description = description;
  return definition;
}
