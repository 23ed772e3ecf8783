import { type Command, Option } from 'commander';
import { installShutdownSignal } from '../shutdown-signal.js';
import { type CommandIo, intArg, ratesArg } from './cli-args.js';

/** `l2bench calibrate` and `l2bench predict`: the cost of one Lease request, and what it predicts. */
export function addCalibrateCommands(program: Command, { out, progress }: CommandIo): void {
  program
    .command('calibrate')
    .description(
      'measure kube-apiserver and etcd CPU per Lease GET and PUT (k6 at fixed rates on a local cluster) into calibration.json',
    )
    .option(
      '--get-rates <list>',
      'GET rates per second, one window each',
      ratesArg('--get-rates'),
      [10, 40, 100],
    )
    .option(
      '--put-rates <list>',
      'PUT rates per second, one window each',
      ratesArg('--put-rates'),
      [10, 40, 100],
    )
    .option('--idle-windows <n>', 'windows without load (the intercept)', intArg('--idle-windows'), 2)
    .option('--window <seconds>', 'seconds per window', intArg('--window'), 20)
    .option('--warmup <seconds>', 'seconds of load before each window', intArg('--warmup'), 5)
    .option('--out <file>', 'where to write the calibration', 'calibration.json')
    .addOption(
      new Option(
        '--identity <kind>',
        "how k6 authenticates: the agents' bound ServiceAccount token, or the node's client certificate (to compare what identity costs)",
      )
        .choices(['bearer-token', 'client-certificate'])
        .default('bearer-token'),
    )
    .action(
      async (o: {
        getRates: number[];
        putRates: number[];
        idleWindows: number;
        window: number;
        warmup: number;
        out: string;
        identity: 'bearer-token' | 'client-certificate';
      }) => {
        const { runCalibration } = await import('../calibrate/run-calibration.js');
        const { formatPredictions } = await import('../calibrate/predict.js');
        const signal = installShutdownSignal();
        const c = await runCalibration({
          rates: { GET: o.getRates, PUT: o.putRates },
          idleWindows: o.idleWindows,
          windowSeconds: o.window,
          warmupSeconds: o.warmup,
          identity: o.identity,
          out: o.out,
          signal,
          progress,
        });
        out(formatPredictions(c, []).split('\n').slice(0, 2).join('\n'));
        out(`calibration: ${o.out}`);
      },
    );

  program
    .command('predict')
    .description(
      "expected control-plane overhead of a scenario's variants from the model's lease rates × calibrated unit costs",
    )
    .argument('<scenario>', 'bundled scenario name or path to a scenario YAML')
    .option('--calibration <file>', 'from `l2bench calibrate`', 'calibration.json')
    .option('--results <dir>', "also split a run's measured overhead into rates × unit cost + residual")
    .action(async (scenario: string, o: { calibration: string; results?: string }) => {
      const { readCalibration, predictVariant, decomposeSummary, formatPredictions } = await import(
        '../calibrate/predict.js'
      );
      const { loadScenario } = await import('../scenario/scenario-file.js');
      const { expandVariants } = await import('../scenario/expand-variants.js');
      const c = readCalibration(o.calibration);
      const predictions = expandVariants(await loadScenario(scenario)).map((v) => predictVariant(v, c));
      let decompositions: ReturnType<typeof decomposeSummary> = [];
      if (o.results) {
        const { readFileSync } = await import('node:fs');
        const { join } = await import('node:path');
        const { Summary } = await import('../results/results-schema.js');
        decompositions = decomposeSummary(
          Summary.parse(JSON.parse(readFileSync(join(o.results, 'summary.json'), 'utf8'))),
          c,
        );
      }
      out(formatPredictions(c, predictions, decompositions));
    });
}
