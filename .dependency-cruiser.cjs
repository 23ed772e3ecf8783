/**
 * The import rules of the house (../shared/STYLE.md, docs/design.md), checked by the test command
 * (`npm run deps`). Data flows one way: CLI → run → backends → (cluster, measure, deployment,
 * manifests, peers) and run → results; reports read results only; the announcer imports nothing
 * of the harness; the scenario contract is the bottom layer everything may read.
 */
const LOWER_THAN_RUN =
  '^harness/(backends|cluster|measure|deployment|manifests|peers|tools|util|scenario|results)/';
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles hide the layering.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'announcer-is-standalone',
      severity: 'error',
      comment:
        'The agent ships alone (its image, its DaemonSet): it imports nothing of the harness, reports or tests.',
      from: { path: '^announcer/' },
      to: { path: '^(harness|reports|scenarios|test|scripts|bench)/' },
    },
    {
      name: 'reports-read-results-only',
      severity: 'error',
      comment:
        'Reports read results files through harness/results, never the runner, backends or measurements.',
      from: { path: '^reports/' },
      to: { path: '^harness/', pathNot: '^harness/(results/|errors\\.ts$|paths\\.ts$)' },
    },
    {
      name: 'scenario-is-the-bottom',
      severity: 'error',
      comment: 'The scenario contract is read by every layer and reads none of them.',
      from: { path: '^harness/scenario/' },
      to: { path: '^harness/', pathNot: '^harness/(scenario/|util/|errors\\.ts$|paths\\.ts$)' },
    },
    {
      name: 'results-below-run',
      severity: 'error',
      comment:
        'The results contract (schema, writer, statistics) knows the scenario, nothing that produces results.',
      from: { path: '^harness/results/' },
      to: { path: '^harness/', pathNot: '^harness/(results/|scenario/|util/|errors\\.ts$|paths\\.ts$)' },
    },
    {
      name: 'nothing-below-reaches-up-to-run',
      severity: 'error',
      comment: 'Backends and what they use never import the runner or the CLI: the runner drives them.',
      from: { path: LOWER_THAN_RUN },
      to: { path: '^harness/(run/|commands/|cli\\.ts$)' },
    },
    {
      name: 'cluster-and-measure-below-backends',
      severity: 'error',
      comment: 'Control-plane pieces and measurements are shared by backends, so they import none.',
      from: { path: '^harness/(cluster|measure|manifests|util|tools)/' },
      to: { path: '^harness/(backends|peers|deployment)/' },
    },
    {
      name: 'run-below-cli',
      severity: 'error',
      from: { path: '^harness/run/' },
      to: { path: '^harness/(commands/|cli\\.ts$)' },
    },
    {
      name: 'no-tests-in-production',
      severity: 'error',
      comment: 'Code that ships never imports a test or a test fixture.',
      from: { path: '^(announcer|harness|reports)/', pathNot: '(\\.test\\.ts$|/testing/)' },
      to: { path: '(\\.test\\.ts$|^test/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|results|test-artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
