/** A move plan's figures as a definition list, and the users it refuses, each in words. */
import type { MovePlan, MoveRefusal } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { refusalWords } from './move-words';

/** Mailboxes, messages, data, the target's disk after the move, the estimated time. */
export function MovePlanFacts({ plan }: { plan: MovePlan }) {
  const tr = useTranslator();
  const disk = plan.targetDisk;
  const facts: Array<[string, string, string]> = [
    ['mailboxes', tr.t('move.plan.mailboxes'), tr.number(plan.mailboxes)],
    ['messages', tr.t('move.plan.messages'), tr.number(plan.messages)],
    ['bytes', tr.t('move.plan.bytes'), tr.bytes(plan.bytes)],
    [
      'disk-after',
      tr.t('move.plan.diskAfter', { store: plan.target }),
      // The share as the store's tile shows it (df's, agent/common/disk-use.ts), and the room left:
      // "x of the disk's size" would not add up, the blocks kept for root are in the size.
      tr.t('move.plan.diskAfterValue', {
        percent: tr.percent(disk.usedPercentAfter / 100),
        left: tr.bytes(disk.availableAfterBytes),
      }),
    ],
    [
      'time',
      tr.t('move.plan.time'),
      tr.t('move.plan.timeValue', { duration: tr.duration(plan.estimatedSeconds * 1000) }),
    ],
  ];
  return (
    <dl className="move-facts">
      {facts.map(([key, label, value]) => (
        <div key={key} className="move-fact" data-fact={key}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The users that cannot move, each with the reason in words and the agent's sentence below. */
export function RefusalList({ plan, refusals }: { plan: MovePlan; refusals: readonly MoveRefusal[] }) {
  const tr = useTranslator();
  if (refusals.length === 0) return null;
  const sourceOf = new Map(plan.users.map((entry) => [entry.user, entry.source]));
  return (
    <div className="move-refusals" role="alert">
      <p className="move-refusals-title">{tr.t('move.plan.refusedTitle', { n: refusals.length })}</p>
      <ul className="move-refusal-list">
        {refusals.map((refusal) => {
          const words = refusalWords(tr, refusal, plan.target, sourceOf.get(refusal.user));
          return (
            <li key={`${refusal.user}-${refusal.code}`} data-code={refusal.code} data-user={refusal.user}>
              <span className="move-refusal-words">{words}</span>
              {/* The agent's sentence, for the technical staff, unless it says no more than the words. */}
              {!words.startsWith(refusal.reason) && (
                <span className="muted move-refusal-reason">{refusal.reason}</span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
