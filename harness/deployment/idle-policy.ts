import type { KubernetesObject } from '@kubernetes/client-node';
import { announcementObjects } from '../manifests/scenario-objects.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';

/** A label no service carries: the idle policy's serviceSelector matches nothing. */
export const IDLE_SELECTOR = { 'l2bench.io/idle': 'no-service-selected' } as const;

/**
 * The run's pool and announcement policy, the policy selecting the scenario's services
 * (`announcing`) or none. Idle is Cilium with L2 announcements configured and no service to
 * announce: the agents keep their watches, lists and connections, and hold no service Lease.
 */
export function announcementObjectsFor(
  s: ResolvedScenario,
  vipCidr: string,
  runId: string,
  announcing: boolean,
): KubernetesObject[] {
  const objects = announcementObjects(s, vipCidr, runId);
  if (announcing) return objects;
  return objects.map((o) =>
    o.kind === 'CiliumL2AnnouncementPolicy'
      ? ({
          ...o,
          spec: { ...(o as { spec: object }).spec, serviceSelector: { matchLabels: IDLE_SELECTOR } },
        } as KubernetesObject)
      : o,
  );
}
