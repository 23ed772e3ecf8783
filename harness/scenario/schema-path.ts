import { z } from 'zod';

/** Strips the wrappers that do not change a value's shape (defaults, optionality, transforms). */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      // Input side: scenario paths name what authors write.
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

function childOf(schema: z.ZodType, key: string): z.ZodType | undefined {
  const bare = unwrap(schema);
  if (bare instanceof z.ZodObject) {
    const shape = bare.shape as Record<string, z.ZodType>;
    return Object.hasOwn(shape, key) ? shape[key] : undefined;
  }
  if (bare instanceof z.ZodUnion) {
    // Discriminated unions (strategies): the key may live in any option.
    for (const option of bare.options as readonly z.ZodType[]) {
      const child = childOf(option, key);
      if (child) return child;
    }
  }
  return undefined;
}

/**
 * The schema found by following `path` through objects and unions, or undefined when no such
 * field exists. Records and arrays are not entered: a scenario path names a declared field.
 */
export function schemaAtPath(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    if (!current || typeof key !== 'string') return undefined;
    current = childOf(current, key);
  }
  return current;
}

/**
 * Field names of the object (or union of objects) at `path`, for "known: …" hints. Given the value
 * written there, a union offers only the options whose `kind` matches it.
 */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[], value?: unknown): string[] {
  const target = schemaAtPath(schema, path);
  if (!target) return [];
  const options = objectOptions(target);
  const kind = (value as { kind?: unknown } | null | undefined)?.kind;
  const matching = options.filter((o) => {
    const literal = unwrap((o.shape as Record<string, z.ZodType>).kind ?? z.never());
    return literal instanceof z.ZodLiteral && literal.values.has(kind as never);
  });
  const keys = new Set<string>();
  for (const o of matching.length > 0 ? matching : options)
    for (const key of Object.keys(o.shape)) keys.add(key);
  return [...keys];
}

/** True when the schema holds a single scalar (number, string, boolean, enum, literal, duration). */
export function isScalarSchema(schema: z.ZodType): boolean {
  const bare = unwrap(schema);
  if (bare instanceof z.ZodUnion) return (bare.options as readonly z.ZodType[]).every(isScalarSchema);
  return (
    bare instanceof z.ZodNumber ||
    bare instanceof z.ZodString ||
    bare instanceof z.ZodStringFormat ||
    bare instanceof z.ZodBoolean ||
    bare instanceof z.ZodEnum ||
    bare instanceof z.ZodLiteral
  );
}

/**
 * True when the schema takes a single scalar, alone or as one form of a union (a strategy is a map
 * or its one-word form `sharded:8`): such a field can be swept with scalar values.
 */
export function acceptsScalar(schema: z.ZodType): boolean {
  const bare = unwrap(schema);
  if (bare instanceof z.ZodUnion) return (bare.options as readonly z.ZodType[]).some(acceptsScalar);
  return isScalarSchema(bare);
}

/** The object schemas a field may hold: itself, or the objects among its union's options (nested unions flattened). */
function objectOptions(schema: z.ZodType): z.ZodObject[] {
  const bare = unwrap(schema);
  if (bare instanceof z.ZodObject) return [bare];
  if (bare instanceof z.ZodUnion) return (bare.options as readonly z.ZodType[]).flatMap(objectOptions);
  return [];
}

/**
 * Every dotted path to a field that takes a scalar, depth first in declaration order (for sweeps
 * and editors). A field that is a scalar or a map (the strategy) is listed and entered.
 */
export function scalarPaths(schema: z.ZodType, prefix: readonly string[] = []): string[] {
  const paths: string[] = [];
  for (const object of objectOptions(schema)) {
    for (const [key, child] of Object.entries(object.shape as Record<string, z.ZodType>)) {
      const path = [...prefix, key];
      if (acceptsScalar(child)) paths.push(path.join('.'));
      if (!isScalarSchema(child)) paths.push(...scalarPaths(child, path));
    }
  }
  return [...new Set(paths)];
}
