/**
 * The Pareto frontier of items where smaller is better on both axes: the items no other item beats
 * on one axis without losing on the other. Returned sorted by x (then y). Items with a non-finite
 * coordinate are ignored; exact duplicates of a frontier point are all on the frontier.
 */
export function paretoFrontier<T>(items: readonly T[], x: (item: T) => number, y: (item: T) => number): T[] {
  const usable = items.filter((it) => Number.isFinite(x(it)) && Number.isFinite(y(it)));
  const dominates = (a: T, b: T) => x(a) <= x(b) && y(a) <= y(b) && (x(a) < x(b) || y(a) < y(b));
  return usable
    .filter((b) => !usable.some((a) => dominates(a, b)))
    .sort((a, b) => x(a) - x(b) || y(a) - y(b));
}
