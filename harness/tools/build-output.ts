// Lines the go command prints while it works, not about a failure: module downloads and, under
// `-v`, the import path of each package as it is compiled.
const PROGRESS = [
  /^go: (?:downloading|extracting|finding|added|upgraded) /,
  /^[\w.~-]+(?:\/[\w.~+-]+)+$/,
  /^[\w-]+$/,
];

/** Whether a line of go output is progress rather than a diagnostic. */
export function isProgressLine(line: string): boolean {
  const t = line.trim();
  return t === '' || PROGRESS.some((re) => re.test(t));
}

/**
 * The last `count` diagnostic lines of a failed go command, joined with ` | ` for a one-line error
 * message (at most `maxChars`); falls back to the last lines of any kind when none are diagnostics.
 */
export function diagnosticTail(output: string, count = 6, maxChars = 1200): string {
  const lines = output.split('\n').map((l) => l.trimEnd());
  let picked = lines.filter((l) => !isProgressLine(l)).slice(-count);
  if (picked.length === 0) picked = lines.filter((l) => l.trim() !== '').slice(-count);
  const text = picked.map((l) => l.trim()).join(' | ');
  return text.length > maxChars ? `…${text.slice(-maxChars)}` : text;
}
