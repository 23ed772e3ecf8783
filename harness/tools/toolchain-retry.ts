/** Why and with which toolchain to run a failed Go build once more. */
export interface ToolchainRetry {
  /** Value for `GOTOOLCHAIN`, e.g. `go1.23.12`; the go command fetches it through the module proxy. */
  toolchain: string;
  reason: string;
}

/** `go1.26.8` / `1.26` / `go1.26rc1` → [1, 26, 8]; undefined when it is not a Go version. */
export function parseGoVersion(s: string): [number, number, number] | undefined {
  const m = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?/.exec(s.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

function compareGoVersions(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

// `go: go.mod requires go >= 1.26.0 (running go 1.23.4; GOTOOLCHAIN=local)`, and the note the
// compiler adds under errors in a module that declares a newer language version.
const TOO_OLD = [/requires go >= ?(\d+\.\d+(?:\.\d+)?)/i, /note: module requires Go (\d+\.\d+(?:\.\d+)?)/];

// Failures of older code under a newer Go: x/tools' tokeninternal size check (x/tools < 0.24 under
// Go 1.22+), linkname pulls the runtime no longer allows (Go 1.23+), and messages that name a Go
// version as unsupported.
const TOO_NEW = [
  /invalid array length -delta \* delta/,
  /invalid reference to runtime\./,
  /go:linkname .*(?:not allowed|must refer to declared)/,
  /\bgo ?1\.\d+(?:\.\d+)?\b.*\b(?:unsupported|not supported)\b/i,
  /\b(?:unsupported|not supported)\b.*\bgo ?1\.\d+/i,
];

/**
 * Decides whether a failed build is a Go version problem worth one retry with another toolchain.
 * Returns undefined when the failure is anything else, or when the retry would not change Go.
 *
 * @param buildOutput combined output of the failed go command
 * @param currentGoVersion `go env GOVERSION` of the toolchain that failed, e.g. `go1.26.8`
 * @param fallbackToolchain the toolchain the tool's release was built with, e.g. `go1.23.12`
 */
export function decideToolchainRetry(
  buildOutput: string,
  currentGoVersion: string,
  fallbackToolchain: string,
): ToolchainRetry | undefined {
  const current = parseGoVersion(currentGoVersion);
  const fallback = parseGoVersion(fallbackToolchain);
  if (!current || !fallback) return undefined;
  for (const re of TOO_OLD) {
    const m = re.exec(buildOutput);
    const required = m?.[1] ? parseGoVersion(m[1]) : undefined;
    if (!required || compareGoVersions(current, required) >= 0) continue;
    // `go1.26` names no toolchain since Go 1.21; `go1.26.0` does.
    const toolchain =
      compareGoVersions(fallback, required) >= 0 ? fallbackToolchain : `go${required.join('.')}`;
    return { toolchain, reason: `${currentGoVersion} is older than the go ${m![1]} the module needs` };
  }
  const tooNew = TOO_NEW.find((re) => re.test(buildOutput));
  if (tooNew && compareGoVersions(current, fallback) > 0) {
    return { toolchain: fallbackToolchain, reason: `${currentGoVersion} looks too new for this release` };
  }
  return undefined;
}
