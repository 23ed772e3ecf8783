import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planServices, SHARING_KEY_ANNOTATION, serviceObject } from '../manifests/scenario-objects.js';
import { parseScenario } from '../scenario/scenario-file.js';
import { resolveScenario } from '../scenario/scenario-schema.js';

test('services.sharedAddress pairs announced services under one sharing key; an odd last one stays alone', () => {
  const s = resolveScenario(
    parseScenario('name: x\nnodes: {count: 2}\nservices: {announced: 5, sharedAddress: true}\n', 'x'),
  );
  const keys = planServices(s).map(
    (p) => serviceObject(p, s, 'r').metadata?.annotations?.[SHARING_KEY_ANNOTATION],
  );
  assert.deepEqual(keys, ['l2bench-pair-0', 'l2bench-pair-0', 'l2bench-pair-1', 'l2bench-pair-1', undefined]);
  const plain = resolveScenario(parseScenario('name: x\nnodes: {count: 2}\nservices: {announced: 2}\n', 'x'));
  assert.ok(planServices(plain).every((p) => !serviceObject(p, plain, 'r').metadata?.annotations));
});
