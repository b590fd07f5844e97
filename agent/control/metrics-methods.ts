/**
 * `metrics.subscribe` / `metrics.unsubscribe`: 1 Hz `metrics.sample` notifications on the channel
 * that asked, until it unsubscribes or closes. Streams share the agent's one sampler.
 */
import { randomBytes } from 'node:crypto';
import { isAllowed } from '../common/contract/access-matrix.js';
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { NotificationParams } from '../common/contract/methods.js';
import type { MetricsSampler } from '../metrics/metrics-sampler.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

// A console needs one stream per node; a few allow for a second window without letting a channel
// pile up listeners.
const maxSubscriptionsPerChannel = 4;

interface Subscription {
  channelId: string;
  stop: () => void;
}

/** Handlers of the `metrics.*` group; subscriptions live as long as this object. */
export function metricsMethods(deps: {
  sampler: MetricsSampler;
}): Pick<MethodHandlers, 'metrics.subscribe' | 'metrics.unsubscribe'> {
  const subscriptions = new Map<string, Subscription>();
  return {
    'metrics.subscribe': (_params, { channel }) => {
      const open = [...subscriptions.values()].filter((s) => s.channelId === channel.id).length;
      if (open >= maxSubscriptionsPerChannel) {
        throw new MethodError(
          rpcErrorCodes.unavailable,
          `at most ${maxSubscriptionsPerChannel} metrics subscriptions per channel`,
        );
      }
      const subscription = `metrics-${randomBytes(6).toString('hex')}`;
      const stopSamples = deps.sampler.onSample((sample) => {
        // A caller whose tier was lowered since it subscribed stops getting what it may not ask for.
        if (!isAllowed('metrics.subscribe', channel.caller.kind)) return stop();
        const params: NotificationParams<'metrics.sample'> = { subscription, sample };
        channel.notify('metrics.sample', params);
      });
      const cancelClose = channel.onClose(() => stop());
      const stop = (): void => {
        stopSamples();
        cancelClose();
        subscriptions.delete(subscription);
      };
      subscriptions.set(subscription, { channelId: channel.id, stop });
      return { subscription };
    },
    'metrics.unsubscribe': ({ subscription }, { channel }) => {
      const found = subscriptions.get(subscription);
      // Only the channel that subscribed may stop a stream.
      if (!found || found.channelId !== channel.id) return { stopped: false };
      found.stop();
      return { stopped: true };
    },
  };
}
