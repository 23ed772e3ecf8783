/**
 * Benchmark: the run estimate (`l2bench plan`) against the measured wall-clock time of the same
 * run through the CLI, binaries already built. The target: within 25%.
 *
 *   node --import tsx bench/plan-accuracy.ts [--seed-homelab]
 *
 * Runs `tiny --quick` (about 3 minutes) and, with --seed-homelab, `seed-homelab --quick` (about
 * 12 minutes). Needs root, like every local run. Prints one line per scenario. With
 * `--keep <dir>` the runs and their reports stay under <dir> (report time is then measured too).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../harness/paths.js';
import { formatSeconds } from '../harness/run/estimate-duration.js';
import { planRun } from '../harness/run/plan-run.js';

const scenarios = ['tiny', ...(process.argv.includes('--seed-homelab') ? ['seed-homelab'] : [])];
const keepAt = process.argv.indexOf('--keep');
const keep = keepAt >= 0 ? process.argv[keepAt + 1] : undefined;
if (keepAt >= 0 && !keep) throw new Error('--keep needs a directory: --keep /path/to/results');
const cli = join(repoRoot, 'l2bench');

// Builds are not part of a run's estimate: make sure they are done before timing.
const tools = spawnSync(cli, ['tools'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (tools.status !== 0) throw new Error(`l2bench tools exited ${tools.status}`);

for (const name of scenarios) {
  const plan = await planRun(name, { quick: true });
  const root = keep ?? mkdtempSync(join(tmpdir(), 'l2b-plan-accuracy-'));
  try {
    // Progress as JSON lines with timestamps: where the time went, for tuning the estimate.
    const logFile = join(tmpdir(), `l2b-plan-accuracy-${name}.jsonl`);
    const log = openSync(logFile, 'w');
    const t0 = performance.now();
    const r = spawnSync(
      cli,
      ['--log-format', 'json', 'run', name, '--quick', ...(keep ? [] : ['--no-report']), '--results', root],
      {
        stdio: ['ignore', 'ignore', log],
      },
    );
    closeSync(log);
    const measured = (performance.now() - t0) / 1000;
    const error = (plan.totalSeconds - measured) / measured;
    console.log(
      `${name} --quick: estimated ${formatSeconds(plan.totalSeconds)} (${plan.totalSeconds.toFixed(0)} s), measured ${formatSeconds(measured)} (${measured.toFixed(0)} s), estimate ${error >= 0 ? '+' : ''}${(100 * error).toFixed(0)}% ${Math.abs(error) <= 0.25 ? 'within' : 'OUTSIDE'} 25%; run exit ${r.status}; progress log ${logFile}`,
    );
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
}
