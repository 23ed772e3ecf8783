import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { expandVariants } from '../../scenario/expand-variants.js';
import { parseScenario, scenariosDir } from '../../scenario/scenario-file.js';

test('seed-homelab: backend local → kind changes nothing else in the scenario or its variants', () => {
  const text = readFileSync(join(scenariosDir, 'seed-homelab.yaml'), 'utf8');
  assert.match(text, /^backend: local$/m);
  const local = parseScenario(text, 'seed-homelab.yaml');
  const kind = parseScenario(text.replace(/^backend: local$/m, 'backend: kind'), 'seed-homelab.yaml (kind)');
  assert.equal(kind.backend, 'kind');
  assert.deepEqual({ ...kind, backend: 'local' }, local);
  const strip = (v: ReturnType<typeof expandVariants>) =>
    v.map((x) => ({ ...x, scenario: { ...x.scenario, backend: 'any' } }));
  const lv = expandVariants(local);
  const kv = expandVariants(kind);
  assert.equal(kv.length, 4);
  assert.ok(kv.every((v) => v.scenario.backend === 'kind'));
  assert.deepEqual(strip(kv), strip(lv));
});
