import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../harness/paths.js';

const asRoot = process.getuid?.() === 0;

/** Names of l2b namespaces, l2b links and l2bench run registrations on this host now. */
function l2bState(): string[] {
  const ns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
  let runs: string[] = [];
  try {
    runs = readdirSync('/run/l2bench');
  } catch {
    // no registry yet
  }
  return [
    ...ns.split('\n').filter((l) => l.startsWith('l2b')),
    ...links.split('\n').flatMap((l) => /^\d+: (l2b[^:@]*)/.exec(l)?.[1] ?? []),
    ...runs.map((r) => `run ${r}`),
  ].sort();
}

test('a run whose output reader stops early tears down like Ctrl-C and leaves nothing behind', {
  skip: !asRoot && 'needs root',
  timeout: 300_000,
}, () => {
  const before = l2bState();
  const results = mkdtempSync(join(tmpdir(), 'l2b-closed-output-'));
  try {
    // Both streams into a reader that quits after three lines, as `| head -3` does; the pipeline
    // waits for l2bench too, and PIPESTATUS gives its exit code.
    const r = spawnSync(
      'bash',
      [
        '-c',
        `"${join(repoRoot, 'l2bench')}" run tiny --quick --no-report --results "${results}" 2>&1 | head -3 >/dev/null; echo "exit=\${PIPESTATUS[0]}"`,
      ],
      { encoding: 'utf8', timeout: 280_000 },
    );
    const exit = /exit=(\d+)/.exec(r.stdout)?.[1];
    // 141 = 128 + SIGPIPE: stopped because its reader left, through the shutdown teardown (not a
    // crash, which exits 1, and not a completed run, which exits 0).
    assert.equal(exit, '141', `l2bench exit code (stdout: ${r.stdout.trim()})`);
    assert.deepEqual(l2bState(), before, 'namespaces, links and run registrations are as before');
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
});
