import { publishedUrl } from "../components/shared/urls";
import { type ConfigType, KEYS, KEY_NAMES, type Key, type Values } from "./keys";

/**
 * Turns the raw config map of one stack into validated, complete values. Pure: no Pulumi import,
 * so every rule is tested without a runtime. Secrets come back as plain strings here; the loader
 * wraps them as Pulumi secrets before anything else sees them.
 */

export type Environment = Values["environment"];

/** A rejected stack configuration: one message, one line per bad key. */
export class SettingsError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SettingsError";
  }
}

/** The password the seed gives dev; refused in any other environment. */
export const SEED_DEV_PASSWORD = "admin";
const PROD_PASSWORD_MIN_LENGTH = 12;

/** Host-port keys: no two may publish the same port. */
const HOST_PORT_KEYS = [
  "grafanaPort",
  "prometheusPort",
  "lokiPort",
  "tempoPort",
  "tempoOtlpGrpcPort",
  "tempoOtlpHttpPort",
] as const satisfies readonly Key[];

const ENVIRONMENT_DEFAULTS = {
  dev: { bindAddress: "0.0.0.0", protectData: false, grafanaAdminPassword: SEED_DEV_PASSWORD },
  prod: { bindAddress: "127.0.0.1", protectData: true, grafanaAdminPassword: undefined },
} as const satisfies Record<Environment, Partial<Values>>;

/** Pulumi hands every value over as a string; give the schema the type the key declares. */
function coerce(type: ConfigType, raw: string): unknown {
  switch (type) {
    case "string":
      return raw;
    case "integer":
      return /^-?[0-9]+$/.test(raw.trim()) ? Number(raw) : raw;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    case "array":
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
  }
}

function shown(key: Key, value: unknown): string {
  if ("secret" in KEYS[key]) return "a secret value";
  return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) || String(value);
}

function problem(project: string, key: string, given: string, allowed: string): string {
  return `${project}:${key}: got ${given}; allowed: ${allowed}`;
}

/**
 * Validates `raw` (Pulumi's config map: `<project>:<key>` to string) for `project`.
 * @throws SettingsError naming every bad key, the value given and what is allowed.
 */
export function parseValues(raw: Readonly<Record<string, string>>, project: string): Values {
  const prefix = `${project}:`;
  const problems: string[] = [];
  const given: Partial<Record<Key, unknown>> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    if (!fullKey.startsWith(prefix)) continue; // provider settings such as docker:host
    const key = fullKey.slice(prefix.length);
    if (!(key in KEYS)) {
      // Not echoed: a misspelt secret key would otherwise print its plaintext.
      problems.push(
        problem(
          project,
          key,
          "a key this program does not read",
          "one of the keys declared in Pulumi.yaml",
        ),
      );
      continue;
    }
    const k = key as Key;
    const parsed = KEYS[k].schema.safeParse(coerce(KEYS[k].type, value));
    if (parsed.success) given[k] = parsed.data;
    else problems.push(problem(project, k, shown(k, coerce(KEYS[k].type, value)), KEYS[k].allowed));
  }
  if (problems.length > 0) throw new SettingsError(problems);

  const environment = (given.environment ?? KEYS.environment.default) as Environment;
  const values = { ...ENVIRONMENT_DEFAULTS[environment] } as Record<string, unknown>;
  for (const k of KEY_NAMES) {
    const fallback = "default" in KEYS[k] ? KEYS[k].default : values[k];
    values[k] = k in given ? given[k] : fallback;
  }
  values.grafanaUrl ??= publishedUrl(values.bindAddress as string, values.grafanaPort as number);
  const complete = values as Values;

  problems.push(...crossChecks(complete, new Set(Object.keys(given) as Key[]), project));
  if (problems.length > 0) throw new SettingsError(problems);
  return complete;
}

/** Rules that span keys, or depend on the environment. */
function crossChecks(v: Values, given: ReadonlySet<Key>, project: string): string[] {
  const problems: string[] = [];
  const owner = new Map<number, Key>();
  for (const k of HOST_PORT_KEYS) {
    const other = owner.get(v[k]);
    if (other === undefined) {
      owner.set(v[k], k);
      continue;
    }
    // Name the key the stack sets, not the default it collides with.
    const [clash, holder] = given.has(other) && !given.has(k) ? [other, k] : [k, other];
    problems.push(
      problem(
        project,
        clash,
        `${String(v[k])}, which ${holder} already uses`,
        "a port no other key uses",
      ),
    );
  }
  if (v.environment !== "dev") {
    const password = v.grafanaAdminPassword as string | undefined;
    const rule = `a secret of at least ${String(PROD_PASSWORD_MIN_LENGTH)} characters other than the seed's dev default, set with \`pulumi config set --secret grafanaAdminPassword\``;
    if (password === undefined)
      problems.push(problem(project, "grafanaAdminPassword", "nothing", rule));
    else if (password === SEED_DEV_PASSWORD)
      problems.push(problem(project, "grafanaAdminPassword", "the seed's dev default", rule));
    else if (password.length < PROD_PASSWORD_MIN_LENGTH)
      // The length is not shown: it tells a reader of CI logs how short the password is.
      problems.push(
        problem(
          project,
          "grafanaAdminPassword",
          `a secret shorter than ${String(PROD_PASSWORD_MIN_LENGTH)} characters`,
          rule,
        ),
      );
  }
  if (v.alertContact === "webhook" && !given.has("alertWebhookUrl"))
    problems.push(
      problem(
        project,
        "alertWebhookUrl",
        "nothing",
        'a webhook URL when alertContact is "webhook"',
      ),
    );
  if (v.alertContact === "email" && v.alertEmails.length === 0)
    problems.push(
      problem(project, "alertEmails", "[]", 'at least one address when alertContact is "email"'),
    );
  return problems;
}
