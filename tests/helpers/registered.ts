import type { ComponentRun, Registered } from "./program";

/** What the component tests compare: resources as the harness records them, and outputs. */

/** A resource as the harness records it: every option at its default, then `options`. */
export function registered(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  options: Partial<Registered> = {},
): Registered {
  return {
    type,
    name,
    inputs,
    protect: false,
    retainOnDelete: false,
    deleteBeforeReplace: false,
    ignoreChanges: [],
    dependsOn: [],
    ...options,
  };
}

/** Resources in name order: registration order is not part of a component's contract. */
export function byName(resources: readonly Registered[]): Registered[] {
  return [...resources].sort((a, b) => a.name.localeCompare(b.name));
}

/** A run's outputs without the component's URN. */
export function outputsOf(run: ComponentRun): Record<string, unknown> {
  return Object.fromEntries(Object.entries(run.outputs).filter(([k]) => k !== "urn"));
}
