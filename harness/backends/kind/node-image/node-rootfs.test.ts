import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDebianArchive } from './node-rootfs.js';

const DEB822 = `Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
`;

test('the archive of the release suite comes from a deb822 .sources stanza, not -security', () => {
  assert.deepEqual(parseDebianArchive([DEB822], 'bookworm'), {
    url: 'http://deb.debian.org/debian',
    suite: 'bookworm',
  });
});

test('one-line sources.list entries work, options included; another suite does not match', () => {
  const list = 'deb [arch=amd64] http://mirror.example/debian trixie main\n# deb http://x bookworm main\n';
  assert.deepEqual(parseDebianArchive([list], 'trixie'), {
    url: 'http://mirror.example/debian',
    suite: 'trixie',
  });
  assert.equal(parseDebianArchive([list], 'bookworm'), undefined);
  assert.equal(parseDebianArchive([DEB822], 'trixie'), undefined);
});
