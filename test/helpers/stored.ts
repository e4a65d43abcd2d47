import { expect } from 'vitest';
import type { ObjectStore, StoredObject } from '../../src/index.js';

/** Asserts that a `get` found the object with its body, and returns it. */
export function expectStored(result: Awaited<ReturnType<ObjectStore['get']>>): StoredObject {
  expect(result).not.toBeNull();
  expect(result!.modified).toBe(true);
  return result as StoredObject;
}

/** Asserts that a `get` found the object, and returns its body as UTF-8 text. */
export function storedText(result: Awaited<ReturnType<ObjectStore['get']>>): string {
  return new TextDecoder().decode(expectStored(result).body);
}
