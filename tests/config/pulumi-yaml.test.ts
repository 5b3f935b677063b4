import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import {
  declaredInProject,
  type Key,
  KEY_NAMES,
  KEYS,
  projectDeclaration,
} from "../../config/keys";
import { parseValues } from "../../config/parse";
import { stackFileConfig } from "../helpers/program";
import { configMap, PROD_PASSWORD, PROJECT, SECRETS_SET_AS_SECRETS } from "./values";

interface Declaration {
  type?: string;
  description?: string;
  default?: unknown;
  secret?: boolean;
  items?: unknown;
}

const projectText = fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.yaml"), "utf8");
const project = parse(projectText) as {
  name?: unknown;
  runtime?: unknown;
  config?: Record<string, Declaration>;
};
const declared = project.config ?? {};

/** What Pulumi.yaml must declare for `key`, derived from its spec in config/keys.ts. */
function expectedDeclaration(key: Key): Declaration {
  const spec = KEYS[key];
  const declared = projectDeclaration(spec.type, "default" in spec ? spec.default : undefined);
  return {
    type: declared.type,
    description: spec.description,
    ...(spec.type === "array" ? { items: { type: "string" } } : {}),
    ...("default" in spec ? { default: declared.default } : {}),
    ...("secret" in spec ? { secret: true } : {}),
  };
}

/** A default as Pulumi hands it to the program: every config value is a string. */
function asConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

describe("Pulumi.yaml", () => {
  it("names the project and runs it on Node.js, compiled ahead (npm run compile)", () => {
    // Given Pulumi.yaml (read above)

    // When its name and runtime are read
    const { name, runtime } = project;

    // Then they are the project's
    expect({ name, runtime }).toEqual({
      name: PROJECT,
      runtime: { name: "nodejs", options: { typescript: false, packagemanager: "npm" } },
    });
  });

  it("declares exactly the keys of config/keys.ts that have a static default and no secret", () => {
    // Given the declared config keys
    const keys = Object.keys(declared);

    // When they are compared with the key table's declarable keys, order aside
    const sorted = [...keys].sort();

    // Then they are the same keys
    expect(sorted).toEqual(KEY_NAMES.filter(declaredInProject).sort());
  });

  it("gives every declared key a default and declares no secret, so no stack must set them", () => {
    // Given the declarations (the Pulumi CLI refuses a stack without a value for a declared key
    // that has no default, and a declared secret's default would not be encrypted)
    const entries = Object.entries(declared);

    // When those without a default, or secret, are picked
    const required = entries.filter(([, d]) => !("default" in d) || d.secret === true);

    // Then there are none
    expect(required.map(([k]) => k)).toEqual([]);
  });

  test.each(KEY_NAMES.filter((k) => !declaredInProject(k)))(
    "names the undeclared key %s in Pulumi.yaml's comment and in the README's table",
    (key) => {
      // Given Pulumi.yaml's text and the README
      const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

      // When the key is looked for
      const inComment = projectText.split("\nconfig:")[0]?.includes(key) ?? false;

      // Then both tell the user it exists
      expect({ inComment, inReadme: readme.includes(`| \`${key}\``) }).toEqual({
        inComment: true,
        inReadme: true,
      });
    },
  );

  test.each(KEY_NAMES.filter(declaredInProject))(
    "declares %s with its type, description and default",
    (key) => {
      // Given the key's declaration
      const declaration = declared[key];

      // When it is compared with the key's spec
      const expected = expectedDeclaration(key);

      // Then they agree on every field
      expect(declaration).toEqual(expected);
    },
  );

  test.each(KEY_NAMES.filter((k) => k in declared && "default" in declared[k]))(
    "declares a default for %s that its own schema accepts",
    (key) => {
      // Given the declared default (a decimal key's as the string Pulumi.yaml must declare)
      const value = declared[key].default;
      const typed = KEYS[key].type === "number" ? Number(value) : value;

      // When the key's schema parses it
      const parsed = KEYS[key].schema.safeParse(typed);

      // Then it is accepted unchanged, and a decimal key's string reads as the default
      expect(parsed).toEqual({ success: true, data: typed });
      expect(typed).toEqual(KEYS[key].default);
    },
  );

  it("declares the decimal settings as strings, Pulumi's project config having no decimal type", () => {
    // Given the keys of type number
    const decimals = KEY_NAMES.filter((k) => KEYS[k].type === "number");

    // When their declarations are read
    const types = decimals.map((k) => [k, declared[k].type, typeof declared[k].default]);

    // Then each is a string with a string default
    expect(types).toEqual([
      ["sloAvailabilityObjective", "string", "string"],
      ["sloLatencyObjective", "string", "string"],
      ["sloLatencyThresholdSeconds", "string", "string"],
    ]);
  });

  it("gives the same values as an empty config when Pulumi injects its defaults", () => {
    // Given every declared default, as Pulumi hands project defaults to the program
    const defaults = Object.fromEntries(
      Object.entries(declared)
        .filter(([, d]) => "default" in d)
        .map(([k, d]) => [k, asConfigString(d.default)]),
    );

    // When they are parsed
    const values = parseValues(configMap(defaults), PROJECT, SECRETS_SET_AS_SECRETS);

    // Then nothing changes from the built-in defaults
    expect(values).toEqual(parseValues({}, PROJECT, SECRETS_SET_AS_SECRETS));
  });

  it("gives a kubernetes stack the same values with or without Pulumi's injected defaults", () => {
    // Given every declared default, as Pulumi hands it over, under a kubernetes stack's own keys
    const defaults = Object.fromEntries(
      Object.entries(declared)
        .filter(([, d]) => "default" in d)
        .map(([k, d]) => [k, asConfigString(d.default)]),
    );
    const stack = { platform: "kubernetes", grafanaUrl: "http://localhost:3000" };

    // When it is parsed with and without them
    const withDefaults = parseValues(
      configMap({ ...defaults, ...stack }),
      PROJECT,
      SECRETS_SET_AS_SECRETS,
    );

    // Then the Docker defaults count as unset: nothing is refused, nothing changes
    expect(withDefaults).toEqual(parseValues(configMap(stack), PROJECT, SECRETS_SET_AS_SECRETS));
  });
});

/**
 * A stack file as the program sees it. Prod needs an admin password, which a real stack keeps
 * encrypted; a valid one stands in for it when the file has none.
 */
function stackConfig(stack: string): Record<string, string> {
  const config = stackFileConfig(stack);
  const password = `${PROJECT}:grafanaAdminPassword`;
  return config[`${PROJECT}:environment`] === "prod" && !(password in config)
    ? { ...config, [password]: PROD_PASSWORD }
    : config;
}

/** Whether the stack's values change when `key` is dropped, i.e. whether it is worth keeping. */
function matters(config: Record<string, string>, key: string): boolean {
  const without = Object.fromEntries(Object.entries(config).filter(([k]) => k !== key));
  try {
    return !isDeepStrictEqual(
      parseValues(without, PROJECT, SECRETS_SET_AS_SECRETS),
      parseValues(config, PROJECT, SECRETS_SET_AS_SECRETS),
    );
  } catch {
    return true;
  }
}

describe.each(["dev", "prod"])("Pulumi.%s.yaml", (stack) => {
  it("holds only project keys the program reads", () => {
    // Given the stack file's keys in the project's namespace (others belong to providers)
    const keys = Object.keys(stackFileConfig(stack)).filter((k) => k.startsWith(`${PROJECT}:`));

    // When those outside the key table are picked
    const known = new Set(KEY_NAMES.map((k) => `${PROJECT}:${k}`));
    const unknown = keys.filter((k) => !known.has(k));

    // Then there are none
    expect(unknown).toEqual([]);
  });

  it("holds only values that differ from the defaults", () => {
    // Given the stack's config
    const config = stackConfig(stack);

    // When the keys whose removal changes nothing are picked
    const redundant = Object.keys(stackFileConfig(stack)).filter((k) => !matters(config, k));

    // Then there are none
    expect(redundant).toEqual([]);
  });
});
