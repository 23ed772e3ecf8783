import { writeReport } from './write-report.js';
import { cp } from 'node:fs/promises';
await cp('test/fixtures/results-small', '/tmp/l2b/run', { recursive: true });
console.time('report');
const r = await writeReport('/tmp/l2b/run');
console.timeEnd('report');
console.log(JSON.stringify(r, null, 1));
