import { compareRuns } from './compare-runs.js';
import { comparisonMarkdown } from './compare-markdown.js';
import { syntheticRun, writeSyntheticRun, SMALL_RUN } from './testing/synthetic-run.js';
await writeSyntheticRun('/tmp/l2b/cmp-a', syntheticRun({ ...SMALL_RUN, runId: 'run-a' }));
await writeSyntheticRun('/tmp/l2b/cmp-b', syntheticRun({ ...SMALL_RUN, runId: 'run-b', seed: 99, mcpuPerRequest: 0.5 }));
const c = await compareRuns(['/tmp/l2b/cmp-a', '/tmp/l2b/cmp-b'], { failIf: ['cpu.overhead > +20%', 'failover.crash.p95 > +500ms', 'requests.get > +1%'] });
console.log(comparisonMarkdown(c));
console.log(c.violations, c.exitCode);
