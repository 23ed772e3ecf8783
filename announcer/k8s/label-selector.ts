/** A Kubernetes `metav1.LabelSelector` as it appears in CRD specs (all parts optional). */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: ReadonlyArray<{
    key: string;
    operator: string;
    values?: readonly string[] | null;
  }> | null;
}

/**
 * Whether `selector` selects an object with `labels`, with apimachinery's semantics: every
 * matchLabels pair and every expression must hold; an empty selector selects everything.
 * `null`/`undefined` is treated like an empty selector, because Cilium's pool and policy
 * selectors are documented as "nil selects all". An unknown operator selects nothing rather
 * than everything, so a typo cannot widen an announcement.
 */
export function matchesLabelSelector(
  selector: LabelSelector | null | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, expr.key);
    const value = labels[expr.key];
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        // apimachinery: NotIn also matches objects that lack the key.
        if (has && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
