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

/** Field names of the object (or union of objects) at `path`, for "known: …" hints. */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const target = schemaAtPath(schema, path);
  if (!target) return [];
  const bare = unwrap(target);
  if (bare instanceof z.ZodObject) return Object.keys(bare.shape);
  if (bare instanceof z.ZodUnion) {
    const keys = new Set<string>();
    for (const option of bare.options as readonly z.ZodType[]) {
      for (const key of objectKeysAt(option, [])) keys.add(key);
    }
    return [...keys];
  }
  return [];
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

/** Every dotted path to a scalar field, depth first in declaration order (for sweeps and editors). */
export function scalarPaths(schema: z.ZodType, prefix: readonly string[] = []): string[] {
  const bare = unwrap(schema);
  const options = bare instanceof z.ZodUnion ? (bare.options as readonly z.ZodType[]) : [bare];
  const paths: string[] = [];
  for (const option of options) {
    const object = unwrap(option);
    if (!(object instanceof z.ZodObject)) continue;
    for (const [key, child] of Object.entries(object.shape as Record<string, z.ZodType>)) {
      const path = [...prefix, key];
      if (isScalarSchema(child)) paths.push(path.join('.'));
      else paths.push(...scalarPaths(child, path));
    }
  }
  return [...new Set(paths)];
}
