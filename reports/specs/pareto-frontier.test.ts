import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paretoFrontier } from './pareto-frontier.js';

type P = { id: string; x: number; y: number };
const front = (ps: P[]) =>
  paretoFrontier(
    ps,
    (p) => p.x,
    (p) => p.y,
  ).map((p) => p.id);

test('keeps the points no other point beats on both axes, sorted by x', () => {
  const ps: P[] = [
    { id: 'cheap-slow', x: 10, y: 9 },
    { id: 'dear-fast', x: 90, y: 1 },
    { id: 'middle', x: 40, y: 4 },
    { id: 'dominated', x: 50, y: 5 },
    { id: 'worst', x: 95, y: 9.5 },
  ];
  assert.deepEqual(front(ps), ['cheap-slow', 'middle', 'dear-fast']);
});

test('a point equal on one axis and worse on the other is dominated', () => {
  assert.deepEqual(
    front([
      { id: 'a', x: 10, y: 5 },
      { id: 'b', x: 10, y: 6 },
      { id: 'c', x: 12, y: 5 },
    ]),
    ['a'],
  );
});

test('exact duplicates of a frontier point both stay; a single point is its own frontier', () => {
  assert.deepEqual(
    front([
      { id: 'a', x: 1, y: 1 },
      { id: 'b', x: 1, y: 1 },
    ]),
    ['a', 'b'],
  );
  assert.deepEqual(front([{ id: 'only', x: 3, y: 3 }]), ['only']);
  assert.deepEqual(front([]), []);
});

test('ignores points with a non-finite coordinate', () => {
  assert.deepEqual(
    front([
      { id: 'nan', x: Number.NaN, y: 0 },
      { id: 'ok', x: 5, y: 5 },
    ]),
    ['ok'],
  );
});
