/**
 * Helpers that hold rendered chart values to the key paths checked against each chart's
 * values.yaml: Helm ignores a key the chart does not read, without a word.
 */

interface Leaf {
  readonly keys: readonly string[];
  readonly value: unknown;
}

function isMap(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Scalars, lists (Helm replaces a list whole) and empty maps, with the keys leading to them. */
function leaves(value: unknown, keys: readonly string[] = []): Leaf[] {
  if (!isMap(value) || (Object.keys(value).length === 0 && keys.length > 0)) {
    return [{ keys, value }];
  }
  return Object.entries(value).flatMap(([key, child]) => leaves(child, [...keys, key]));
}

/** Every leaf of a values object as a dotted key path. */
export function leafPaths(values: object): string[] {
  return leaves(values).map((leaf) => leaf.keys.join("."));
}

/** The leaf paths that are neither an allowed path nor under one (a passthrough map). */
export function pathsOutside(values: object, allowed: readonly string[]): string[] {
  return leafPaths(values).filter(
    (path) => !allowed.some((root) => path === root || path.startsWith(`${root}.`)),
  );
}

const CREDENTIAL_KEY = /(password|secret_?key|secretaccesskey|access_?key(_?id)?|token)$/i;

/** Leaves whose key names a credential (password, secret or access key, token), with values. */
export function credentialLeaves(values: object): [string, unknown][] {
  return leaves(values)
    .filter((leaf) => CREDENTIAL_KEY.test(leaf.keys[leaf.keys.length - 1] ?? ""))
    .map((leaf) => [leaf.keys.join("."), leaf.value]);
}
