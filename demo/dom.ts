/**
 * Looks up an element of demo/index.html by id.
 */

/** Returns the element with `id`, checked to be an instance of `type`. Throws when the page lacks it. */
export function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) {
    throw new Error(`demo/index.html has no ${type.name} with id "${id}".`);
  }
  return element;
}
