/** What each peer implementation accepts of a scenario; the rules use it, the peers' launchers follow it. */

/**
 * k8s.io/client-go in kube-vip v1.0.0's go.mod. Its leaderelection (like every release since
 * 0.30) renews with a bare PUT of the cached Lease first: the model's `update-first`.
 */
export const KUBE_VIP_CLIENT_GO = 'v0.33.3';
export const KUBE_VIP_RENEW_MODE = 'update-first' as const;

export interface TimersMs {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** Scenario fields kube-vip cannot take, with one-line messages naming each. */
export function kubeVipTimerIssues(t: TimersMs): { field: keyof TimersMs; message: string }[] {
  return (['leaseDurationMs', 'renewDeadlineMs', 'retryPeriodMs'] as const).flatMap((field) =>
    t[field] % 1000 === 0 && t[field] > 0
      ? []
      : [
          {
            field,
            message: `announcer.${field} (${t[field]}) must be a whole number of seconds with implementation kube-vip (its vip_* timers are integer seconds): use ${Math.max(1000, Math.round(t[field] / 1000) * 1000)}`,
          },
        ],
  );
}
