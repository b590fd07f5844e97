/**
 * Audit entries as a table, newest first: when, which node, who (tier and id), what (the method,
 * named in words where the console knows it), on what (the user, message, domain; for a directory
 * change the attributes, never their values), and the outcome in words and colour.
 */
import type { AuditEntry } from '../../../../main/console/console-contract';
import type { MessageKey } from '../../i18n/messages-en';
import { messagesEn } from '../../i18n/messages-en';
import type { Translator } from '../../i18n/translate';
import { useTranslator } from '../../i18n/use-translator';

/** The method in words (`queue.hold` -> "Hold mail"), the method name itself when not known. */
export function methodWords(tr: Translator, method: string): string {
  const key = `method.${method}`;
  return Object.hasOwn(messagesEn, key) ? tr.t(key as MessageKey) : method;
}

/** The caller in words: "system admin labadmin", "peer store02". */
function callerWords(tr: Translator, caller: AuditEntry['caller']): string {
  const key = `tier.${caller.kind}`;
  const tier = Object.hasOwn(messagesEn, key) ? tr.t(key as MessageKey) : caller.kind;
  return `${caller.id} (${tier})`;
}

/** What the entry acted on, in words: "user alice@alpha.example; changed: password (not recorded)". */
export function targetWords(tr: Translator, target: AuditEntry['target']): string {
  if (!target) return '';
  const named = tr.t(`audit.target.${target.kind}` as MessageKey, { name: target.name });
  const attributes = (target.attributes ?? []).map((name) => {
    const key = `audit.attribute.${name.toLowerCase()}`;
    return Object.hasOwn(messagesEn, key) ? tr.t(key as MessageKey) : name;
  });
  return attributes.length === 0
    ? named
    : `${named}; ${tr.t('audit.changed', { list: attributes.join(', ') })}`;
}

interface AuditTableProps {
  entries: AuditEntry[];
  /** Hide the node column on a node's own page. */
  showNode?: boolean;
  testId: string;
}

/** The table. */
export function AuditTable({ entries, showNode = true, testId }: AuditTableProps) {
  const tr = useTranslator();
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{tr.t('audit.when')}</th>
          {showNode && <th scope="col">{tr.t('audit.node')}</th>}
          <th scope="col">{tr.t('audit.who')}</th>
          <th scope="col">{tr.t('audit.what')}</th>
          <th scope="col">{tr.t('audit.target')}</th>
          <th scope="col">{tr.t('audit.outcome')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr
            key={`${entry.node}-${entry.at}-${entry.paramsDigest}-${entry.method}`}
            data-outcome={entry.outcome}
          >
            <td>{tr.dateTime(Date.parse(entry.at))}</td>
            {showNode && <td>{entry.node}</td>}
            <td>{callerWords(tr, entry.caller)}</td>
            <td title={entry.method}>
              {methodWords(tr, entry.method)}
              {entry.dryRun && <span className="outcome-detail">{tr.t('audit.dryRun')}</span>}
            </td>
            <td data-testid="audit-target">{targetWords(tr, entry.target)}</td>
            <td className={`outcome outcome-${entry.outcome}`}>
              {tr.t(`outcome.${entry.outcome}`)}
              {entry.error && <span className="outcome-detail">{entry.error}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
