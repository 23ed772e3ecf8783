import { z } from 'zod';
import { FaultKind } from '../scenario/fault-kind.js';

/** One failover trial: a fault injected into the node holding `vip`. Times are epoch ms. */
export const TrialRecord = z.object({
  type: z.literal('trial'),
  variantId: z.string(),
  fault: FaultKind,
  trial: z.number().int().nonnegative(),
  service: z.string(),
  vip: z.string(),
  fromNode: z.string(),
  toNode: z.string().nullable(),
  faultAtMs: z.number(),
  /** Last good probe answered by `fromNode` before the fault (null if none seen). */
  lastGoodBeforeMs: z.number().nullable(),
  /** First good probe answered by a different node after the fault. */
  firstGoodAfterMs: z.number().nullable(),
  /**
   * Outage seen by the probes: firstGoodAfter − lastGoodBefore; null when service never came back.
   * agent-crash and control-plane-outage: the VIP's longest silence after the fault (0: none), as
   * the same node may go on serving.
   */
  outageMs: z.number().nullable(),
  /** Lease takeover: the new holder's acquireTime − faultAt. */
  takeoverMs: z.number().nullable(),
  /** ARP convergence: first good probe from the new node − its bind time. */
  arpConvergenceMs: z.number().nullable(),
  /**
   * Total time during which two nodes answered for this VIP (0 = never): from the wire (ARP replies
   * by MAC, see `dualAnswering`) when it was watched, else from which node answered the probes
   * (results written before the wire watch; a client's ARP cache hides a second answerer there).
   */
  dualAnsweringMs: z.number(),
  /**
   * Where `dualAnsweringMs` comes from; absent: `probes`. `none`: not observed (0), where the probes
   * name the echo pod's node rather than the announcer's and no wire watch ran (kind, cluster).
   */
  dualAnsweringSource: z.enum(['wire', 'probes', 'none']).optional(),
  /**
   * freeze, partition, control-plane-outage, on the wire: how long two nodes still answered after
   * the fault was lifted (end of the last dual interval − lift; 0 = none after it). This is the part
   * the agent's step-down decides: a frozen or cut-off node cannot act before the lift.
   */
  dualAnsweringAfterLiftMs: z.number().optional(),
  /** The wire watch of this trial's VIP (absent where the backend has none). */
  dualAnswering: z
    .object({
      /** Intervals in which two or more MACs answered ARP for the VIP (epoch ms) and whose MACs they were. */
      intervals: z.array(
        z.object({
          /** The VIP, when the trial watched several (control-plane-outage). */
          vip: z.string().optional(),
          fromMs: z.number(),
          toMs: z.number(),
          macs: z.array(z.string()),
          nodes: z.array(z.string()),
        }),
      ),
      /** Nodes seen answering in those intervals. */
      nodes: z.array(z.string()),
      /** Time the VIP was bound on two or more nodes at once, from polling each node's addresses. */
      boundOnTwoMs: z.number().nullable(),
      /** Probe periods: ARP requests and address polls (ms), the resolution of the figures above. */
      arpIntervalMs: z.number(),
      addrPollMs: z.number().nullable(),
      arpRepliesSeen: z.number().int(),
    })
    .optional(),
  /** control-plane-outage: what the VIPs did while the nodes could not reach the API server. */
  apiOutage: z
    .object({
      /** How long the API server was unreachable, and when it came back (epoch ms). */
      outageMs: z.number(),
      restoredAtMs: z.number(),
      /** VIPs probed during the trial, and those that stopped answering (no ok probe for > 1 s). */
      vipsProbed: z.number().int(),
      vipsSilent: z.number().int(),
      /** The longest silence of each silent VIP (ms), in the order probed. */
      silentMs: z.array(z.number()),
      /** Per VIP silent when the API server returned: ms from its return to the VIP's next ok probe (null: never in the window). */
      answeredAfterRestoreMs: z.array(z.number().nullable()),
    })
    .optional(),
  probesSent: z.number().int(),
  probesFailed: z.number().int(),
});
export type TrialRecord = z.infer<typeof TrialRecord>;
