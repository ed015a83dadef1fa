// The reserved topics of AWS IoT Jobs and the device shadow, built and parsed in one place for
// the device client and the embedded jobs service.
//   Jobs device MQTT API: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html
//   Reserved topics:      https://docs.aws.amazon.com/iot/latest/developerguide/reserved-topics.html
//   Shadow MQTT topics:   https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html

const PREFIX = '$aws/things/';

export const jobsTopic = {
  notifyNext: (thing: string): string => `${PREFIX}${thing}/jobs/notify-next`,
  startNext: (thing: string): string => `${PREFIX}${thing}/jobs/start-next`,
  update: (thing: string, jobId: string): string => `${PREFIX}${thing}/jobs/${jobId}/update`,
  shadowUpdate: (thing: string): string => `${PREFIX}${thing}/shadow/update`,
};

/** What a device subscribes to right after its CONNACK: notify-next and the replies to its own requests. */
export function deviceFilters(thing: string): string[] {
  return [
    jobsTopic.notifyNext(thing),
    `${jobsTopic.startNext(thing)}/accepted`,
    `${jobsTopic.startNext(thing)}/rejected`,
    `${PREFIX}${thing}/jobs/+/update/accepted`,
    `${PREFIX}${thing}/jobs/+/update/rejected`,
    `${jobsTopic.shadowUpdate(thing)}/accepted`,
    `${jobsTopic.shadowUpdate(thing)}/rejected`,
  ];
}

export type JobsTopic =
  | { kind: 'notify-next'; thing: string }
  | { kind: 'start-next'; thing: string; reply: 'accepted' | 'rejected' | null }
  | { kind: 'update'; thing: string; jobId: string; reply: 'accepted' | 'rejected' | null }
  | { kind: 'shadow-update'; thing: string; reply: 'accepted' | 'rejected' | null };

/** The topic kinds the service counts (requests and what it publishes). */
export type JobsTopicKind = JobsTopic['kind'];

function replyOf(part: string | undefined): 'accepted' | 'rejected' | null | undefined {
  if (part === undefined) return null;
  return part === 'accepted' || part === 'rejected' ? part : undefined;
}

/** Parses a `$aws/things/...` jobs or shadow topic; null for anything else. */
export function parseJobsTopic(topic: string): JobsTopic | null {
  if (!topic.startsWith(PREFIX)) return null;
  const parts = topic.slice(PREFIX.length).split('/');
  const [thing, area, a, b, c] = parts;
  if (!thing || parts.length > 5) return null;
  if (area === 'shadow' && a === 'update') {
    const reply = replyOf(b);
    return reply === undefined || c !== undefined ? null : { kind: 'shadow-update', thing, reply };
  }
  if (area !== 'jobs' || a === undefined) return null;
  if (a === 'notify-next') return b === undefined ? { kind: 'notify-next', thing } : null;
  if (a === 'start-next') {
    const reply = replyOf(b);
    return reply === undefined || c !== undefined ? null : { kind: 'start-next', thing, reply };
  }
  if (b === 'update') {
    const reply = replyOf(c);
    return reply === undefined ? null : { kind: 'update', thing, jobId: a, reply };
  }
  return null;
}
