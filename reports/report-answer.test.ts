import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportAnswer } from './report-answer.js';
import { SEED_HOMELAB_RUN, SMALL_RUN, syntheticRun } from './testing/synthetic-run.js';

const seed = syntheticRun(SEED_HOMELAB_RUN).summary;
seed.question = 'What do L2 announcements cost the homelab?';
seed.reference = {
  source: 'the seed post',
  controlPlaneOverheadMillicores: 80,
  setup: '5 services on 3 nodes',
  variant: { 'services.announced': 5, 'announcer.selection': 'all-services' },
};
const bug = seed.variants.find((v) => v.label === 'announced=5, selection=all-services')!;

test("the scenario's question, then its reference beside the matching variant's measured overhead", () => {
  const a = reportAnswer(seed);
  assert.equal(a.question, seed.question);
  const first = a.lines[0]!.text;
  assert.ok(
    first.startsWith('The seed post saw about 80 mCPU (2% of a 4-core node) for 5 services on 3 nodes'),
  );
  const iv = bug.cpu.controlPlaneOverheadMillicores;
  assert.ok(first.includes(`${Math.round(iv.median)} mCPU [`), first);
  assert.ok(first.includes('range of 3 values'), 'three repetitions: a range, not a 95% interval');
  const side = 80 > iv.hi ? 'above' : 80 < iv.lo ? 'below' : 'inside';
  assert.ok(first.includes(`their figure lies ${side}`), first);
});

test('what each other variant saves against the reference variant, cheapest first', () => {
  const savings = reportAnswer(seed).lines[1]!;
  assert.ok(savings.text.startsWith(`Against ${bug.label}`));
  assert.equal(savings.list?.length, seed.variants.length - 1);
  const one = seed.variants.find((v) => v.label === 'announced=1, selection=policy')!;
  const saved = bug.cpu.controlPlaneOverheadMillicores.median - one.cpu.controlPlaneOverheadMillicores.median;
  assert.ok(savings.list![0]!.startsWith('announced=1, selection=policy'), 'the cheapest variant first');
  assert.ok(savings.list![0]!.includes(`saves ${Number(saved.toPrecision(2))} mCPU`), savings.list![0]);
});

test('a reference no variant reproduces is said so; without a reference the dearest variant is the base', () => {
  const missing = structuredClone(seed);
  missing.reference!.variant = { 'services.announced': 7 };
  assert.match(
    reportAnswer(missing).lines[0]!.text,
    /no variant of this run has that setup \(services.announced=7\)/,
  );
  const small = syntheticRun(SMALL_RUN).summary;
  const a = reportAnswer(small);
  assert.match(a.question, /^What does small cost the control plane, and how long/);
  assert.ok(a.lines.some((l) => l.text.startsWith('Against the dearest variant')));
  const partition = a.lines.find((l) => l.text.startsWith('Failover after a partition'))!;
  assert.match(partition.text, /1 never recovered/);
});
