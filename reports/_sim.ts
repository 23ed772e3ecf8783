import { bootstrapDifference } from './bootstrap.js';
import { mulberry32, quantile, median } from '../harness/run/statistics.js';
const r = mulberry32(42);
const normal = () => { const u = r() || 1e-9, v = r(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v); };
for (const [name, stat] of [['median', median], ['p95', (x: readonly number[]) => quantile(x, 0.95)]] as const) {
  for (const n of [3, 4, 5, 8, 10, 20]) {
    let fp = 0; const trials = 300;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: n }, normal), b = Array.from({ length: n }, normal);
      const d = bootstrapDifference(a, b, { statistic: stat, resamples: 1000, seed: t + 1 })!;
      if (d.lo > 0 || d.hi < 0) fp++;
    }
    console.log(name, n, (fp / trials * 100).toFixed(1) + '%');
  }
}
