import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ToolError } from '../errors.js';
import { runScenario } from './run-scenario.js';
import { FakeBackend } from './testing/fake-bench-target.js';
import { FakeClock } from './testing/fake-clock.js';
import { FakeRunDir, fakeScenario } from './testing/fake-run.js';

const dir = new FakeRunDir();
after(() => dir.close());

/** Runs `doc` on the fake backend with `resolveTool` replaced; returns the tools asked for and the error. */
async function runWithTools(doc: Record<string, unknown>, fail?: string) {
  const backend = new FakeBackend({ clock: new FakeClock() });
  const resolved: string[] = [];
  let error: unknown = null;
  try {
    await runScenario(
      {
        scenario: dir.write(doc),
        resultsRoot: dir.nextResultsRoot(),
        signal: new AbortController().signal,
        progress: () => undefined,
      },
      {
        ...backend.seams(),
        resolveTool: async (name) => {
          resolved.push(name);
          if (name === fail) throw new ToolError(`building ${name} failed: \`go install …\` exited 1`);
          return `/fake/${name}`;
        },
      },
    );
  } catch (err) {
    error = err;
  }
  return { backend, resolved, error };
}

test('a MetalLB variant resolves its controller and speaker through the seam, beside k6', async () => {
  const { resolved, error, backend } = await runWithTools(
    fakeScenario({ name: 'mlb', announcer: { implementation: 'metallb' } }),
  );
  assert.equal(error, null);
  assert.deepEqual(resolved.sort(), ['k6', 'metallb-controller', 'metallb-speaker']);
  assert.equal(backend.targets.length, 1);
});

test('a peer binary that fails to build stops the run before any cluster starts, naming the command', async () => {
  const { resolved, error, backend } = await runWithTools(
    fakeScenario({ name: 'mlb', announcer: { implementation: 'metallb' } }),
    'metallb-speaker',
  );
  assert.ok(resolved.includes('metallb-speaker'));
  assert.match(String(error), /^ToolError: building metallb-speaker failed: `go install …` exited 1$/);
  assert.deepEqual(backend.targets, [], 'no cluster started');
});

test('a bundled-only run asks for no peer tool', async () => {
  const { resolved, error } = await runWithTools(fakeScenario({ name: 'bundled' }));
  assert.equal(error, null);
  assert.deepEqual(resolved, ['k6']);
});
