// The jobs service as a service of the embedded broker (src/backend/mqtt-broker.ts): devices'
// PUBLISHes reach it, their subscriptions to notify-next tell it which things listen, and it
// publishes its replies and notifications as the server (QoS 1, capped by each subscription).
import type { BrokerService, BrokerServiceFactory } from '../../backend/types.js';
import type { OtaServerOptions } from '../module.js';
import { AwsJobsService, type AwsJobsServiceOptions } from './service.js';

export type JobsBrokerOptions = OtaServerOptions &
  Partial<Pick<AwsJobsServiceOptions, 'imageBaseUrl' | 'tickMs' | 'minuteMs' | 'timers'>> & {
    /** Handed the service once the broker has built it (tests and the report read its counters). */
    onService?: (service: AwsJobsService) => void;
  };

export function awsJobsBrokerService(o: JobsBrokerOptions): BrokerServiceFactory {
  return (side): BrokerService => {
    const service = new AwsJobsService({
      desk: o.desk,
      nowMs: o.nowMs,
      publish: (topic, payload) => void side.publish(topic, payload, 1),
      ...(o.imageBaseUrl !== undefined ? { imageBaseUrl: o.imageBaseUrl } : {}),
      ...(o.tickMs !== undefined ? { tickMs: o.tickMs } : {}),
      ...(o.minuteMs !== undefined ? { minuteMs: o.minuteMs } : {}),
      ...(o.timers !== undefined ? { timers: o.timers } : {}),
    });
    o.onService?.(service);
    return {
      published: (_clientId, topic, payload) => void service.handle(topic, payload),
      subscribed: (_clientId, filters) => {
        for (const f of filters) service.seen(f);
      },
      close: () => service.close(),
      endpoints: () => service.endpoints(),
    };
  };
}
