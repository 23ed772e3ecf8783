import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { completionScript } from './shell-completion.js';

const commands = [
  { name: 'run', options: ['--quick', '--fail-if'], argument: 'scenario' as const },
  { name: 'export', options: ['--format'], argument: 'dir' as const },
  { name: 'completion', options: [], argument: ['bash', 'zsh'] },
];

/** Runs the bash function on a command line and returns what it offers. */
function complete(words: string[]): string[] {
  const script = completionScript('bash', commands, ['seed-homelab', 'tiny'], ['--version', '--help']);
  const line = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _l2bench; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', line], { encoding: 'utf8', cwd: '/' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

test('bash completion offers commands, options and scenario names', () => {
  assert.deepEqual(complete(['l2bench', 'r']), ['run']);
  assert.deepEqual(complete(['l2bench', 'run', '--q']), ['--quick']);
  assert.deepEqual(complete(['l2bench', 'run', 'ti']), ['tiny']);
  assert.deepEqual(complete(['l2bench', '--quiet', 'run', 'seed']), ['seed-homelab']);
  assert.deepEqual(complete(['l2bench', 'completion', 'z']), ['zsh']);
});

test('zsh gets the same function through bashcompinit; other shells are refused', () => {
  assert.match(completionScript('zsh', commands, [], []), /^autoload -U \+X bashcompinit && bashcompinit\n/);
  assert.throws(() => completionScript('fish', commands, [], []), /completion fish: use one of bash, zsh/);
});
