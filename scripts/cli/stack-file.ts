import { parse } from "yaml";

/**
 * A stack's own settings as its `Pulumi.<stack>.yaml` holds them, keyed without the project's
 * namespace ("platform", "environment") and with the providers' ("docker:host"). A secret's
 * value is its ciphertext object, never read here: only whether it is set.
 */
export type StackSettings = Readonly<Record<string, unknown>>;

/** The project's name from Pulumi.yaml, which namespaces its keys in a stack file. */
export function projectName(pulumiYaml: string): string {
  const project = (parse(pulumiYaml) as { name?: unknown } | null)?.name;
  if (typeof project !== "string") throw new Error("Pulumi.yaml has no project name");
  return project;
}

/** Reads a stack file's `config:`; a stack without a file yet has no settings of its own. */
export function stackSettings(stackYaml: string | undefined, project: string): StackSettings {
  if (stackYaml === undefined) return {};
  const config = (parse(stackYaml) as { config?: unknown } | null)?.config;
  if (typeof config !== "object" || config === null) return {};
  const prefix = `${project}:`;
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key.startsWith(prefix) ? key.slice(prefix.length) : key,
      value,
    ]),
  );
}

/** A plain string setting, or undefined when unset (or not a string). */
export function stringSetting(settings: StackSettings, key: string): string | undefined {
  const value = settings[key];
  return typeof value === "string" ? value : undefined;
}
