/**
 * Benchmark: the harness's own CPU as a share of the control-plane difference it measures, per
 * variant of a scenario (default: seed-homelab with --quick; pass a results dir to read one).
 * Target: under 10%.
 *
 *   node --import tsx bench/harness-overhead.ts [scenario | results-dir] [--full]
 */
import 'disposablestack/auto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Summary } from '../harness/results/results-schema.js';
import { runScenario } from '../harness/run/run-scenario.js';

const arg = process.argv[2] ?? 'seed-homelab';
const summary = existsSync(join(arg, 'summary.json'))
  ? Summary.parse(JSON.parse(readFileSync(join(arg, 'summary.json'), 'utf8')))
  : (
      await runScenario({
        scenario: arg,
        quick: !process.argv.includes('--full'),
        resultsRoot: 'results',
        signal: new AbortController().signal,
        progress: (l) => process.stderr.write(`${l}\n`),
      })
    ).summary;
for (const v of summary.variants) {
  const harness = v.cpu.harnessMillicores.median;
  const diff = v.cpu.controlPlaneOverheadMillicores.median;
  const share = diff > 0 ? (harness / diff) * 100 : Number.NaN;
  console.log(
    `${v.id}: harness ${harness.toFixed(1)} mCPU, control-plane difference ${diff.toFixed(1)} mCPU [${v.cpu.controlPlaneOverheadMillicores.lo.toFixed(1)}, ${v.cpu.controlPlaneOverheadMillicores.hi.toFixed(1)}] → harness share ${Number.isNaN(share) ? 'n/a (no positive difference)' : `${share.toFixed(1)}%`} (target < 10%, n=${v.repetitions})`,
  );
}
