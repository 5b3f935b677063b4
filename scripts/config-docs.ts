/**
 * Prints what config/keys.ts declares, in the two forms kept beside it:
 *   npx ts-node --transpile-only scripts/config-docs.ts pulumi-yaml   (Pulumi.yaml's config:)
 *   npx ts-node --transpile-only scripts/config-docs.ts readme        (the README's table)
 * Tests fail when either drifts from the key table; this regenerates them.
 */
import { stringify } from "yaml";
import {
  declaredInProject,
  type Key,
  KEYS,
  type KeySpec,
  projectDeclaration,
} from "../config/keys";

function pulumiYaml(): string {
  const config = Object.fromEntries(
    (Object.entries(KEYS) as [Key, (typeof KEYS)[Key]][])
      .filter(([key]) => declaredInProject(key))
      .map(([key, spec]) => {
        const declared = projectDeclaration(spec.type, spec.default);
        return [
          key,
          {
            type: declared.type,
            description: spec.description,
            ...(spec.type === "array" ? { items: { type: "string" } } : {}),
            ...("secret" in spec ? { secret: true } : {}),
            ...("default" in spec ? { default: declared.default } : {}),
          },
        ];
      }),
  );
  return stringify({ config }, { lineWidth: 0 });
}

const PLATFORMS = { docker: "Docker", kubernetes: "Kubernetes" } as const;

function readme(): string {
  const rows = (Object.entries(KEYS) as [Key, KeySpec][]).map(([key, spec]) => {
    const value = "default" in spec ? `\`${JSON.stringify(spec.default)}\`` : "see description";
    const type = `${spec.type}${"secret" in spec ? " (secret)" : ""}`;
    const platform = spec.platform === undefined ? "both" : PLATFORMS[spec.platform];
    return `| \`${key}\` | ${type} | ${value} | ${platform} | ${spec.description.replace(/\|/g, "\\|")} |`;
  });
  return [
    "| Key | Type | Default | Platform | What it does |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

process.stdout.write(`${process.argv[2] === "readme" ? readme() : pulumiYaml()}\n`);
