/**
 * Messages of invalid options, and the check that rejects unknown option
 * names. Constructors validate synchronously, so every NoDB loads this module
 * up front, and one shared message form keeps it short. Stores, retry options
 * and the class registry use it too, not only codecs.
 */
import { InvalidOptionsError } from '../errors.js';

/** Returns the InvalidOptionsError "`name` must be `expected`; got `value`." */
export function invalidOption(name: string, expected: string, value: unknown): InvalidOptionsError {
  return new InvalidOptionsError(`${name} must be ${expected}; got ${formatOptionValue(value)}.`);
}

/**
 * Throws InvalidOptionsError for the first own property of `options` that
 * `known` does not list. A misspelt option (`endpoints`, `ifmatch`) would
 * otherwise be ignored, and the call would run without it.
 */
export function checkOptionNames(options: object, known: readonly string[], where: string): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new InvalidOptionsError(`${where} has no option ${JSON.stringify(name)}; its options are ${known.join(', ')}.`);
    }
  }
}

/**
 * Formats an option's value for an error message. JSON.stringify would print
 * NaN and Infinity as null and leave undefined out, which hides the mistake.
 */
export function formatOptionValue(value: unknown, depth = 0): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return value.name ? `function ${value.name}` : 'a function';
    case 'object':
      if (value === null) return 'null';
      if (depth >= 2) return Array.isArray(value) ? '[...]' : '{...}';
      return formatObject(value, depth);
    default:
      // Numbers (NaN and Infinity included), booleans, undefined and symbols.
      return String(value);
  }
}

function formatObject(value: object, depth: number): string {
  if (Array.isArray(value)) return `[${value.map((item) => formatOptionValue(item, depth + 1)).join(', ')}]`;
  const members = Object.entries(value).map(([name, member]) => `${name}: ${formatOptionValue(member, depth + 1)}`);
  return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`;
}
