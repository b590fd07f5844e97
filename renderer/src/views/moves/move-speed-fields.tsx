/**
 * The batch's speed in the move dialog: mailboxes moved at once and the data limit of the whole
 * batch (MB per second as the CLI's `--bandwidth`, 0 for none), starting from the speed the plan
 * was made for. A valid change asks the target for the plan again, so the estimated time follows;
 * the batch starts at the speed of the plan shown.
 */
import { useEffect, useId, useState } from 'react';
import type { MovePlan } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { moveServices } from '../../services/console-services';

const megabyte = 1_000_000;
// Typing "12" passes through "1": the plan is asked once the typing stops.
const askAfterMs = 500;

/** What the two fields say, or undefined when they do not make a speed. */
function speedOf(concurrency: string, megabytes: string) {
  const atOnce = Number(concurrency);
  const limit = Number(megabytes);
  if (!Number.isInteger(atOnce) || atOnce < 1 || atOnce > 16) return undefined;
  if (megabytes.trim() === '' || !Number.isFinite(limit) || limit < 0 || limit > 100_000) return undefined;
  return { concurrency: atOnce, bandwidthBytesPerSecond: Math.round(limit * megabyte) };
}

/**
 * The fields; nothing when the agent did not say what speed its plan is for. `onSettled` hears
 * whether the plan shown is for the speed the fields say (the batch may start only then).
 */
export function MoveSpeedFields({
  speed,
  disabled,
  onSettled,
}: {
  speed: MovePlan['speed'];
  disabled: boolean;
  onSettled: (settled: boolean) => void;
}) {
  const tr = useTranslator();
  const id = useId();
  const [concurrency, setConcurrency] = useState(String(speed?.concurrency ?? ''));
  const [megabytes, setMegabytes] = useState(
    speed ? String(Math.round((speed.bandwidthBytesPerSecond / megabyte) * 10) / 10) : '',
  );
  const wanted = speedOf(concurrency, megabytes);
  const changed =
    wanted !== undefined &&
    (wanted.concurrency !== speed?.concurrency ||
      Math.abs(wanted.bandwidthBytesPerSecond - (speed?.bandwidthBytesPerSecond ?? 0)) >= megabyte / 10);
  // A plan of an agent that does not say its speed has no fields, and starts at its defaults.
  const settled = !speed || (wanted !== undefined && !changed);
  useEffect(() => onSettled(settled), [settled, onSettled]);
  // Primitives, so that a new object of the same speed at each render asks nothing again.
  const atOnce = wanted?.concurrency;
  const bytesPerSecond = wanted?.bandwidthBytesPerSecond;
  useEffect(() => {
    if (!changed || atOnce === undefined || bytesPerSecond === undefined) return;
    const timer = setTimeout(
      () =>
        void moveServices()?.changeSpeed({ concurrency: atOnce, bandwidthBytesPerSecond: bytesPerSecond }),
      askAfterMs,
    );
    return () => clearTimeout(timer);
  }, [changed, atOnce, bytesPerSecond]);
  if (!speed) return null;
  return (
    <fieldset className="move-speed" data-testid="move-speed">
      <legend>{tr.t('move.speed.title')}</legend>
      <label htmlFor={`${id}-concurrency`}>{tr.t('move.speed.concurrency')}</label>
      <input
        id={`${id}-concurrency`}
        name="concurrency"
        type="number"
        min={1}
        max={16}
        step={1}
        value={concurrency}
        disabled={disabled}
        aria-invalid={wanted === undefined}
        onChange={(event) => setConcurrency(event.target.value)}
      />
      <label htmlFor={`${id}-bandwidth`}>{tr.t('move.speed.bandwidth')}</label>
      <input
        id={`${id}-bandwidth`}
        name="bandwidth"
        type="number"
        min={0}
        step={0.1}
        value={megabytes}
        disabled={disabled}
        aria-invalid={wanted === undefined}
        onChange={(event) => setMegabytes(event.target.value)}
      />
      {wanted === undefined ? (
        <p className="view-state-error" role="alert">
          {tr.t('move.speed.invalid')}
        </p>
      ) : (
        <p className="hint">{tr.t('move.speed.hint')}</p>
      )}
    </fieldset>
  );
}
