// Which DDI endpoint a request addresses, and the checks of a feedback body the server relies on.
import type { DdiActionFeedback } from './ddi-types.js';

export const DDI_ENDPOINTS = [
  'poll',
  'configData',
  'deploymentBase',
  'deploymentFeedback',
  'cancelAction',
  'cancelFeedback',
] as const;
export type DdiEndpoint = (typeof DDI_ENDPOINTS)[number];

/** `/{tenant}/controller/v1/{controllerId}[/rest]` */
export const DDI_PATH = /^\/([^/]+)\/controller\/v1\/([^/]+)(?:\/(.*))?$/;

export function endpointOf(method: string, parts: readonly string[]): DdiEndpoint | null {
  const [head, id, tail] = parts;
  const numeric = id !== undefined && /^[1-9]\d{0,15}$/.test(id);
  if (parts.length === 0) return method === 'GET' ? 'poll' : null;
  if (parts.length === 1 && head === 'configData') return method === 'PUT' ? 'configData' : null;
  if (!numeric || (head !== 'deploymentBase' && head !== 'cancelAction')) return null;
  if (parts.length === 2 && method === 'GET')
    return head === 'deploymentBase' ? 'deploymentBase' : 'cancelAction';
  if (parts.length === 3 && tail === 'feedback' && method === 'POST')
    return head === 'deploymentBase' ? 'deploymentFeedback' : 'cancelFeedback';
  return null;
}

const EXECUTIONS = new Set([
  'closed',
  'proceeding',
  'canceled',
  'scheduled',
  'rejected',
  'resumed',
  'downloaded',
  'download',
]);
const FINISHED = new Set(['success', 'failure', 'none']);

/** A DdiActionFeedback with the required fields and enum values, or null. */
export function readFeedback(body: unknown): DdiActionFeedback | null {
  if (typeof body !== 'object' || body === null) return null;
  const status = (body as { status?: unknown }).status;
  if (typeof status !== 'object' || status === null) return null;
  const s = status as { execution?: unknown; result?: unknown; details?: unknown };
  const result = s.result as { finished?: unknown } | undefined;
  if (typeof s.execution !== 'string' || !EXECUTIONS.has(s.execution)) return null;
  if (typeof result !== 'object' || result === null || typeof result.finished !== 'string') return null;
  if (!FINISHED.has(result.finished)) return null;
  const details = s.details;
  if (details !== undefined && !(Array.isArray(details) && details.every((d) => typeof d === 'string')))
    return null;
  return body as DdiActionFeedback;
}
