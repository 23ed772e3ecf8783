/** Result of matching a policy's `interfaces` against this node's interfaces. */
export interface InterfaceChoice {
  /** The interface to bind VIPs on, or null when none matches (the policy does not apply here). */
  iface: string | null;
  /** Patterns that are not valid regular expressions (ignored, reported). */
  invalid: string[];
}

/**
 * Picks the first local interface (in the order given, i.e. ifindex order) whose name matches any
 * of `patterns`. Patterns are unanchored like Go's `regexp.MatchString`, which Cilium uses, so
 * `eth` matches `eth0`; write `^eth0$` to be exact. No patterns means every interface but `lo`,
 * which never answers ARP for anyone else.
 */
export function chooseInterface(
  patterns: readonly string[] | null | undefined,
  localInterfaces: readonly string[],
): InterfaceChoice {
  if (!patterns || patterns.length === 0) {
    return { iface: localInterfaces.find((name) => name !== 'lo') ?? null, invalid: [] };
  }
  const invalid: string[] = [];
  const regexps: RegExp[] = [];
  for (const p of patterns) {
    try {
      regexps.push(new RegExp(p));
    } catch {
      invalid.push(p);
    }
  }
  const iface = localInterfaces.find((name) => regexps.some((re) => re.test(name))) ?? null;
  return { iface, invalid };
}
