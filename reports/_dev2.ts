import { cp } from 'node:fs/promises';
import { writeReport } from './write-report.js';

await cp('test/fixtures/results-small', '/tmp/l2b/run', { recursive: true });
console.time('report');
const r = await writeReport('/tmp/l2b/run');
console.timeEnd('report');
console.log(JSON.stringify(r, null, 1));
