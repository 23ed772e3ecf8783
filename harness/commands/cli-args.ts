import { InvalidArgumentError } from 'commander';

/** Where a command writes: results to stdout, progress through the CLI's log (--quiet, --log-format). */
export interface CommandIo {
  out: (line: string) => void;
  progress: (line: string) => void;
}

/** A commander parser for an integer option, naming the flag in its error. */
export function intArg(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} must be an integer (got '${v}')`);
    return n;
  };
}

/** A commander parser for a comma-separated list of positive rates, naming the flag in its error. */
export function ratesArg(flag: string) {
  return (v: string): number[] => {
    const rates = v.split(',').map(Number);
    if (rates.length === 0 || rates.some((r) => !(r > 0)))
      throw new InvalidArgumentError(
        `${flag} must be positive request rates separated by commas (got '${v}')`,
      );
    return rates;
  };
}
