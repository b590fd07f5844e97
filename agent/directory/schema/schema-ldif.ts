/**
 * Renders a `.schema` file as the cn=config LDIF OpenLDAP loads with
 * `ldapadd -Y EXTERNAL -H ldapi:/// -f FILE.ldif`. The shipped build/ldap/*.ldif files are
 * rendered from the .schema files by this (a test checks they are in step).
 */
import { parseSchemaText } from './schema-text.js';

/** The cn=config LDIF for a schema named `name` (`cn=<name>,cn=schema,cn=config`). */
export function renderSchemaLdif(name: string, schemaText: string, origin = `${name}.schema`): string {
  const definitions = parseSchemaText(schemaText, origin);
  const lines = [
    `# ${name} schema in cn=config form, rendered from ${origin}; edit the .schema file, not this one.`,
    `dn: cn=${name},cn=schema,cn=config`,
    'objectClass: olcSchemaConfig',
    `cn: ${name}`,
  ];
  const numbered = (attribute: string, kind: string) => {
    let index = 0;
    for (const definition of definitions) {
      if (definition.kind !== kind) continue;
      const text = definition.source.replace(/\s+/g, ' ').trim();
      lines.push(...fold(`${attribute}: {${index++}}${text}`));
    }
  };
  numbered('olcObjectIdentifier', 'objectidentifier');
  numbered('olcAttributeTypes', 'attributetype');
  numbered('olcObjectClasses', 'objectclass');
  return `${lines.join('\n')}\n`;
}

/** Folds an LDIF line at 76 characters (continuations start with one space, RFC 2849). */
function fold(line: string): string[] {
  const out: string[] = [];
  let rest = line;
  let width = 76;
  while (rest.length > width) {
    out.push((out.length > 0 ? ' ' : '') + rest.slice(0, width));
    rest = rest.slice(width);
    width = 75;
  }
  out.push((out.length > 0 ? ' ' : '') + rest);
  return out;
}
