#!/usr/bin/env node
import 'disposablestack/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { cleanupDockerRuns } from './backends/docker/cleanup-docker-runs.js';
import { cleanupStaleRuns } from './backends/local/cleanup-stale-runs.js';
import { makeCliLog } from './cli-log.js';
import { addCalibrateCommands } from './commands/calibrate-commands.js';
import { intArg } from './commands/cli-args.js';
import { addToolsCommand } from './commands/tools-command.js';
import { upCluster } from './commands/up-cluster.js';
import { errorExitCode, errorLeaves, errorLines } from './error-lines.js';
import { EXIT_CODES, L2benchError, ScenarioError } from './errors.js';
import { parseLabels } from './parse-labels.js';
import { repoRoot } from './paths.js';
import { ttyStatus } from './run/live-status.js';
import { formatPlan, planRun } from './run/plan-run.js';
import { formatSummary } from './run/print-summary.js';
import { runScenario } from './run/run-scenario.js';
import { formatCatalog, scenarioCatalog } from './run/scenario-catalog.js';
import { bundledScenarioNames, loadScenario } from './scenario/scenario-file.js';
import { completionScript } from './shell-completion.js';
import { installShutdownSignal, onClosedOutput } from './shutdown-signal.js';
import { DEFAULT_TOOLS, TOOL_PINS } from './tools/tool-versions.js';

// A reader that went away (`| head`, a pager quit, a dropped SSH session) closes our stdout or
// stderr: writing on is pointless, and the run stops through the same teardown as Ctrl-C.
const closed = onClosedOutput();
const out = (line: string) => {
  if (!closed.stdout) process.stdout.write(`${line}\n`);
};
const toStderr = (text: string) => {
  if (!closed.stderr) process.stderr.write(text);
};
// Replaced before each command by one honouring --quiet, --verbose and --log-format.
let log = makeCliLog({}, toStderr);
const progress = (line: string) => log.progress(line);
const collect = (v: string, acc: string[]) => [...acc, v];
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

const BACKENDS = ['local', 'kind', 'cluster', 'docker'] as const;
function parseBackend(name: string): (typeof BACKENDS)[number] {
  const b = BACKENDS.find((x) => x === name);
  if (!b) throw new InvalidArgumentError(`use one of ${BACKENDS.join(', ')}`);
  return b;
}

const program = new Command('l2bench')
  .description(
    'What do L2 announcements (Lease election + ARP) cost your control plane, and how fast do they fail over?',
  )
  .showHelpAfterError(false)
  // Usage errors (unknown option, missing argument) exit 2 like other bad input; see the catch below.
  .exitOverride()
  .version(
    `l2bench ${pkg.version} (Kubernetes ${TOOL_PINS['kube-apiserver'].version}, etcd ${TOOL_PINS.etcd.version}, k6 ${TOOL_PINS.k6.version}, kube-vip ${TOOL_PINS['kube-vip'].version})`,
    '-V, --version',
    'print the l2bench version and the pinned Kubernetes, etcd, k6 and kube-vip versions',
  )
  .option('-q, --quiet', 'no progress lines on stderr (results and errors only)')
  .option('-v, --verbose', 'more detail: stack traces of unexpected errors and their causes')
  .option('--log-format <format>', 'progress lines as text or json (one object per line)', 'text')
  .hook('preAction', () => {
    log = makeCliLog(program.opts(), toStderr);
  });

program
  .command('up')
  .description(
    'bring up a local cluster (etcd + kube-apiserver + one network namespace per node) until Ctrl-C',
  )
  .option('--nodes <M>', 'number of node namespaces (1..100)', intArg('--nodes'), 3)
  .option(
    '--label <k=v>',
    'label for every node (repeatable; default: homelab/role=worker)',
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
    'run a scenario (a bundled name like seed-homelab, or a YAML path) and write results/<time>-<scenario>/; `l2bench scenarios` lists the bundled ones with their durations (tiny --quick: about 2½ minutes; seed-homelab: about 45), `l2bench plan <scenario>` shows what a run does',
  )
  .argument('<scenario>', 'bundled scenario name or path to a scenario YAML (`l2bench scenarios` lists them)')
  .option('--quick', 'shrink windows, repetitions and trials for a smoke run')
  .option(
    '--backend <name>',
    `run on this backend instead of the scenario's (${BACKENDS.join(', ')})`,
    parseBackend,
  )
  .option(
    '--set <path=value>',
    'override a scenario field by its dotted path, e.g. services.announced=10 (repeatable)',
    collect,
    [] as string[],
  )
  .option(
    '--fail-if <expr>',
    "exit 99 when this holds for a variant, e.g. 'cpu.overhead.pct > 2' (repeatable; besides the scenario's thresholds)",
    collect,
    [] as string[],
  )
  .option('--dry-run', 'print the plan (variants, clusters, windows, trials, estimate) and start nothing')
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
        backend?: (typeof BACKENDS)[number];
        parallel: number;
        context?: string;
        yes?: boolean;
        resume?: string;
        results: string;
        report: boolean;
        set: string[];
        failIf: string[];
        dryRun?: boolean;
      },
    ) => {
      // Scenario, --set and gates are checked before anything starts.
      const loaded = await loadScenario(scenario, o.set);
      const { parseRunGates } = await import('../reports/run-gates.js');
      const gates = parseRunGates(loaded.thresholds, o.failIf);
      if (o.dryRun) {
        const plan = await planRun(scenario, {
          quick: o.quick,
          set: o.set,
          parallel: o.parallel,
          ...(o.backend ? { backend: o.backend } : {}),
        });
        out(formatPlan(plan));
        return;
      }
      const signal = installShutdownSignal();
      const { dir, summary } = await runScenario({
        scenario,
        quick: o.quick,
        parallel: o.parallel,
        ...(o.backend ? { backend: o.backend } : {}),
        cluster: { ...(o.context ? { context: o.context } : {}), yes: o.yes === true },
        resume: o.resume,
        resultsRoot: o.results,
        set: o.set,
        signal,
        progress,
        ...(!program.opts().quiet && program.opts().logFormat !== 'json'
          ? { status: ttyStatus(process.stderr) }
          : {}),
      });
      const { finishRun } = await import('../reports/finish-run.js');
      const verdict = await finishRun(dir, summary, gates);
      if (o.report && summary.variants.length > 0) {
        const { writeReport } = await import('../reports/write-report.js');
        await writeReport(dir);
        out(`report: ${dir}/index.html, ${dir}/report.md`);
      }
      out(formatSummary(summary, dir));
      for (const line of verdict.failures) log.error(`l2bench run: ${line}`);
      if (gates.length > 0 && verdict.failures.length === 0)
        progress(
          `l2bench run: ${gates.length} gate${gates.length === 1 ? '' : 's'} passed (${dir}/gates.json)`,
        );
      // A closed stdout/stderr stopped the run: 141, as a shell tool whose reader left.
      if (signal.aborted) process.exitCode = process.exitCode === 141 ? 141 : EXIT_CODES.interrupted;
      else process.exitCode = verdict.exitCode;
    },
  );

program
  .command('plan')
  .description(
    'what a run would do, and how long it would take: variants, clusters, windows, trials, modelled lease requests',
  )
  .argument('<scenario>', 'bundled scenario name or path to a scenario YAML')
  .option('--quick', 'plan the --quick run')
  .option(
    '--backend <name>',
    `plan on this backend instead of the scenario's (${BACKENDS.join(', ')})`,
    parseBackend,
  )
  .option('--parallel <K>', 'clusters at once, as run takes it', intArg('--parallel'), 1)
  .option(
    '--set <path=value>',
    'override a scenario field by its dotted path (repeatable)',
    collect,
    [] as string[],
  )
  .option('--json', 'print the plan as JSON')
  .action(
    async (
      scenario: string,
      o: {
        quick?: boolean;
        backend?: (typeof BACKENDS)[number];
        parallel: number;
        set: string[];
        json?: boolean;
      },
    ) => {
      const plan = await planRun(scenario, {
        quick: o.quick,
        set: o.set,
        parallel: o.parallel,
        ...(o.backend ? { backend: o.backend } : {}),
      });
      const { parseRunGates } = await import('../reports/run-gates.js');
      parseRunGates(plan.thresholds, []);
      out(o.json ? JSON.stringify({ formatVersion: 1, ...plan }, null, 2) : formatPlan(plan));
    },
  );

program
  .command('scenarios')
  .description('list the bundled scenarios with one line each and their estimated durations (quick and full)')
  .option('--json', 'print the list as JSON')
  .action(async (o: { json?: boolean }) => {
    const catalog = await scenarioCatalog();
    out(o.json ? JSON.stringify({ formatVersion: 1, scenarios: catalog }, null, 2) : formatCatalog(catalog));
  });

program
  .command('export')
  .description("a run's summary as CSV or OpenMetrics (every run also writes metrics.om)")
  .argument('<results-dir>')
  .requiredOption('--format <format>', 'csv or openmetrics')
  .action(async (dir: string, o: { format: string }) => {
    const { exportRun } = await import('../reports/export-run.js');
    process.stdout.write(await exportRun(dir, o.format));
  });

program
  .command('completion')
  .description('print a shell completion script: source <(l2bench completion bash)')
  .argument('<shell>', 'bash or zsh')
  .action((shell: string) => {
    const commands = program.commands.map((c) => ({
      name: c.name(),
      options: c.options.flatMap((opt) => [opt.long ?? '', opt.short ?? ''].filter(Boolean)),
      ...(['run', 'plan'].includes(c.name())
        ? { argument: 'scenario' as const }
        : ['report', 'export', 'compare', 'publish'].includes(c.name())
          ? { argument: 'dir' as const }
          : c.name() === 'completion'
            ? { argument: ['bash', 'zsh'] }
            : c.name() === 'tools'
              ? { argument: [...DEFAULT_TOOLS, 'kind'] }
              : {}),
    }));
    const globals = program.options.flatMap((opt) => [opt.long ?? '', opt.short ?? ''].filter(Boolean));
    try {
      out(completionScript(shell, commands, bundledScenarioNames(), [...globals, '--help']));
    } catch (err) {
      throw new ScenarioError((err as Error).message);
    }
  });

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

addCalibrateCommands(program, { out, progress });

addToolsCommand(program, { out, progress });

program.parseAsync(process.argv).catch((caught: unknown) => {
  const leaves = errorLeaves(caught);
  // One failure wrapped alone (an AggregateError of one) is reported as that failure.
  const err = leaves.length === 1 ? leaves[0] : caught;
  if (err instanceof CommanderError) {
    // Commander printed its message already; help and --version end with exit code 0.
    process.exit(err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage);
  }
  if (leaves.length > 1) {
    // Several failures (clusters of a --parallel run, a teardown after an error): one line each.
    for (const line of errorLines(err)) process.stderr.write(`l2bench: ${line}\n`);
    process.exit(errorExitCode(err));
  }
  if (err instanceof L2benchError) {
    // Several problems (every scenario error at once) come one per line, each prefixed.
    for (const line of err.message.split('\n')) process.stderr.write(`l2bench: ${line}\n`);
    if (log.verbose && err.cause)
      process.stderr.write(`l2bench: cause: ${String((err.cause as Error)?.stack ?? err.cause)}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`l2bench: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
