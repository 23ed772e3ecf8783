/** Receives a build's output lines and passes a throttled selection on to the user. */
export interface ProgressReporter {
  /** A line of build output. Shown now if nothing was shown for `intervalMs`, else kept as the latest. */
  line(text: string): void;
  /** A new step (`go mod tidy`, `go build`); always shown. */
  phase(text: string): void;
  /** Called on a timer: shows the kept line when due, or an elapsed-time line after `quietMs` of silence. */
  tick(): void;
}

/** Options of {@link createProgressReporter}. */
export interface ProgressReporterOptions {
  /** Prefix of every line, e.g. `etcd v3.5.35`. */
  prefix: string;
  emit: (line: string) => void;
  /** At most one build-output line per this interval (default 2000). */
  intervalMs?: number;
  /** With no output at all for this long, say we are still at it (default 10000). */
  quietMs?: number;
  nowMs?: () => number;
}

/**
 * A first build of kube-apiserver downloads ~200 modules and compiles ~2000 packages over many
 * minutes; showing every line floods the terminal and showing none looks hung. This keeps one line
 * per `intervalMs`, each with the elapsed seconds.
 */
export function createProgressReporter(opts: ProgressReporterOptions): ProgressReporter {
  const intervalMs = opts.intervalMs ?? 2000;
  const quietMs = opts.quietMs ?? 10_000;
  const now = opts.nowMs ?? Date.now;
  const startMs = now();
  let lastEmitMs = Number.NEGATIVE_INFINITY;
  let pending: string | undefined;
  let currentPhase = 'starting';
  const emit = (text: string): void => {
    lastEmitMs = now();
    pending = undefined;
    opts.emit(`${opts.prefix}: ${text} [${Math.round((lastEmitMs - startMs) / 1000)}s]`);
  };
  return {
    line(text) {
      const t = text.trim();
      if (t === '') return;
      if (now() - lastEmitMs >= intervalMs) emit(t);
      else pending = t;
    },
    phase(text) {
      currentPhase = text;
      emit(text);
    },
    tick() {
      const sinceMs = now() - lastEmitMs;
      if (pending !== undefined && sinceMs >= intervalMs) emit(pending);
      else if (sinceMs >= quietMs) emit(`${currentPhase} …`);
    },
  };
}
