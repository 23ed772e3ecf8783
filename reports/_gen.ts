import { SMALL_RUN, syntheticRun, writeSyntheticRun } from './testing/synthetic-run.js';

await writeSyntheticRun('test/fixtures/results-small', syntheticRun(SMALL_RUN));
