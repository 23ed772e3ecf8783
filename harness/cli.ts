#!/usr/bin/env node
import 'disposablestack/auto';
import { Command, InvalidArgumentError } from 'commander';
import { cleanupStaleRuns } from './backends/local/cleanup-stale-runs.js';
import { upCluster } from './commands/up-cluster.js';
import { cleanupDockerRuns } from './docker/cleanup-docker-runs.js';
import { L2benchError } from './errors.js';
import { parseLabels } from './parse-labels.js';
import { formatSummary } from './run/print-summary.js';
import { runScenario } from './run/run-scenario.js';
import { installShutdownSignal } from './shutdown-signal.js';
import { buildKindNodeImage } from './tools/kind-node/build-node-image.js';
import { provisionTools } from './tools/provision-tools.js';
import { DEFAULT_TOOLS, isToolName } from './tools/tool-versions.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`${line}\n`);

function intArg(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} must be an integer (got '${v}')`);
    return n;
  };
}

const BACKENDS = ['local', 'kind', 'cluster', 'docker'] as const;
function parseBackend(name: string): (typeof BACKENDS)[number] {
  const b = BACKENDS.find((x) => x === name);
  if (!b) throw new InvalidArgumentError(`--backend ${name}: use one of ${BACKENDS.join(', ')}`);
  return b;
}

const program = new Command('l2bench')
  .description(
    'What do L2 announcements (Lease election + ARP) cost your control plane, and how fast do they fail over?',
  )
  .showHelpAfterError(false);

program
  .command('up')
  .description(
    'bring up a local cluster (etcd + kube-apiserver + one network namespace per node) until Ctrl-C',
  )
  .option('--nodes <M>', 'number of node namespaces (1..100)', intArg('--nodes'), 3)
  .option(
    '--label <k=v>',
    'label for every node (repeatable)',
    (v: string, acc: string[]) => [...acc, v],
    [] as string[],
  )
  .option('--api-port <port>', 'fixed kube-apiserver port', intArg('--api-port'))
  .action(async (o: { nodes: number; label: string[]; apiPort?: number }) => {
    const labels = parseLabels(o.label.length > 0 ? o.label : ['homelab/role=worker']);
    await upCluster({
      nodes: o.nodes,
      labels,
      apiPort: o.apiPort,
      signal: installShutdownSignal(),
      out,
      progress,
    });
  });

program
  .command('run')
  .description(
    'run a scenario (a bundled name like seed-homelab, or a YAML path) and write results/<time>-<scenario>/',
  )
  .argument('<scenario>', 'bundled scenario name or path to a scenario YAML')
  .option('--quick', 'shrink windows, repetitions and trials for a smoke run')
  .option('--backend <name>', `run on this backend instead of the scenario's (${BACKENDS.join(', ')})`)
  .option(
    '--parallel <K>',
    'run up to K clusters at once (variants with other node shapes), as memory and the backend allow',
    intArg('--parallel'),
    1,
  )
  .option('--context <name>', 'backend cluster: the kubeconfig context to use (default: the current one)')
  .option('--yes', 'backend cluster: run on a context that is not a kind or l2bench local cluster')
  .option('--resume <dir>', 'finish an interrupted run in this results directory')
  .option('--results <dir>', 'where run directories are created', 'results')
  .option('--no-report', 'skip rendering the report at the end')
  .action(
    async (
      scenario: string,
      o: {
        quick?: boolean;
        backend?: string;
        parallel: number;
        context?: string;
        yes?: boolean;
        resume?: string;
        results: string;
        report: boolean;
      },
    ) => {
      // The cluster backend's driver reads these (also settable by hand, as the README says).
      if (o.context) process.env.L2BENCH_CLUSTER_CONTEXT = o.context;
      if (o.yes) process.env.L2BENCH_CLUSTER_YES = '1';
      const signal = installShutdownSignal();
      const { dir, summary } = await runScenario({
        scenario,
        quick: o.quick,
        parallel: o.parallel,
        ...(o.backend ? { backend: parseBackend(o.backend) } : {}),
        resume: o.resume,
        resultsRoot: o.results,
        signal,
        progress,
      });
      if (o.report && summary.variants.length > 0) {
        const { writeReport } = await import('../reports/write-report.js');
        await writeReport(dir);
        out(`report: ${dir}/index.html, ${dir}/report.md`);
      }
      out(formatSummary(summary, dir));
      if (signal.aborted) process.exitCode = 130;
    },
  );

program
  .command('report')
  .description('render index.html, report.md and charts of a results directory')
  .argument('<results-dir>')
  .action(async (dir: string) => {
    const { writeReport } = await import('../reports/write-report.js');
    await writeReport(dir);
    out(`report: ${dir}/index.html, ${dir}/report.md`);
  });

program
  .command('compare')
  .description(
    'compare matching variants of runs (the first is the baseline), with bootstrap intervals of the differences',
  )
  .argument('<runs...>', 'results directories')
  .option(
    '--fail-if <expr>',
    "gate, e.g. 'cpu.overhead > +20%' (repeatable)",
    (v: string, acc: string[]) => [...acc, v],
    [] as string[],
  )
  .option('--json', 'print the comparison as JSON')
  .action(async (runs: string[], o: { failIf: string[]; json?: boolean }) => {
    const { compareRuns } = await import('../reports/compare-runs.js');
    const { comparisonMarkdown } = await import('../reports/compare-markdown.js');
    const c = await compareRuns(runs, { failIf: o.failIf });
    out(o.json ? JSON.stringify(c, null, 2) : comparisonMarkdown(c));
    for (const v of c.violations) progress(`l2bench compare: ${v}`);
    process.exitCode = c.exitCode;
  });

program
  .command('publish')
  .description("a static site with an index of runs and each run's report")
  .argument('<runs...>', 'results directories')
  .requiredOption('--out <dir>', 'output directory')
  .action(async (runs: string[], o: { out: string }) => {
    const { publish } = await import('../reports/publish-site.js');
    await publish(runs, o.out);
    out(`site: ${o.out}/index.html`);
  });

program
  .command('cleanup')
  .description(
    'remove what crashed l2bench runs left behind (namespaces, links, processes, temp dirs), and only that',
  )
  .action(async () => {
    const r = await cleanupStaleRuns();
    // After the local part: a stale run's registration is gone by now, so its containers count as dead.
    const d = await cleanupDockerRuns();
    if (r.runs.length === 0 && d.runs.length === 0)
      out('l2bench cleanup: nothing left behind by crashed runs');
    if (r.runs.length > 0) {
      out(
        `l2bench cleanup: runs ${r.runs.join(', ')}: killed ${r.processes} processes, removed ${r.netns.length} namespaces, ${r.links.length} links, ${r.dirs.length} dirs`,
      );
    }
    if (d.runs.length > 0) {
      out(
        `l2bench cleanup: docker runs ${d.runs.join(', ')}: removed ${d.containers} containers, ${d.networks} networks, ${d.volumes} volumes`,
      );
    }
    const errors = [...r.errors, ...d.errors];
    for (const e of errors) progress(`l2bench cleanup: ${e}`);
    if (errors.length > 0) process.exitCode = 1;
  });

const KIND_NODE_IMAGE = 'kind-node-image';

program
  .command('tools')
  .description(
    'build (once) and report the pinned kube-apiserver, etcd, k6 and kube-vip binaries; kind-node-image builds the kind node image into Docker',
  )
  .argument('[names...]', `tools to provision (default: ${DEFAULT_TOOLS.join(', ')})`)
  .action(async (names: string[]) => {
    if (names.includes(KIND_NODE_IMAGE)) {
      // The node image is not a binary: it needs Docker and builds the Kubernetes binaries it holds.
      const r = await buildKindNodeImage(progress);
      out(
        `${KIND_NODE_IMAGE}: ${r.tag} (${r.built ? `built in ${r.seconds}s` : `cached, checked in ${r.seconds}s`})`,
      );
      names = names.filter((n) => n !== KIND_NODE_IMAGE);
      if (names.length === 0) return;
    }
    const wanted = names.length > 0 ? names : [...DEFAULT_TOOLS];
    for (const n of wanted)
      if (!isToolName(n))
        throw new L2benchError(
          `unknown tool '${n}': choose from ${DEFAULT_TOOLS.join(', ')}, kind, ${KIND_NODE_IMAGE}`,
        );
    const results = await provisionTools(wanted.filter(isToolName), { onProgress: progress });
    for (const r of results) out(r.summary);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof L2benchError) {
    process.stderr.write(`l2bench: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`l2bench: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
