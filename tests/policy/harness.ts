import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { PROJECT, type Registered } from "../helpers/program";

/** What a policy reported: its message and, for a stack policy, the resource's URN. */
export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: string;
  readonly message: string;
  readonly urn?: string;
}

export function urnOf(stack: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;
}

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function notApplicable(reason?: string): never {
  throw new Error(`notApplicable: ${reason ?? ""}`);
}

/** Pulumi's serialised-secret marker, as the mocks hand inputs over. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Secrets as a policy sees them: @pulumi/policy unwraps them to plain values (policy
 * deserialize.ts, secretsPreservingProxy), while the mocks keep them as `{ sig, value }`.
 */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG] === SECRET_VALUE) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** A fake resource's name, stack and resource options (protect, parent's URN, ...). */
interface FakeOptions {
  readonly name?: string;
  readonly stack?: string;
  readonly opts?: Partial<PolicyResourceOptions>;
}

/** What a resource validation and a stack validation both see of one fake resource. */
function fakeResource(
  type: string,
  props: Record<string, unknown>,
  { name = "subject", stack = "prod", opts = {} }: FakeOptions,
) {
  return {
    type,
    props,
    urn: urnOf(stack, type, name),
    name,
    opts: { ...OPTIONS, ...opts },
    isType: () => false,
    asType: () => undefined,
  };
}

/** The arguments the policy runtime passes a resource validation, for a fake resource. */
export function resourceArgs(
  type: string,
  props: Record<string, unknown>,
  options: FakeOptions = {},
): ResourceValidationArgs {
  return {
    ...fakeResource(type, props, options),
    stackTags: new Map(),
    getConfig: () => ({}) as never,
    notApplicable,
  };
}

export function policyResource(
  type: string,
  props: Record<string, unknown>,
  options: FakeOptions = {},
): PolicyResource {
  return { ...fakeResource(type, props, options), dependencies: [], propertyDependencies: {} };
}

/** Runs one resource policy on one resource; returns what it reported. */
export async function validateResource(
  policy: ResourceValidationPolicy,
  args: ResourceValidationArgs,
): Promise<string[]> {
  const messages: string[] = [];
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : policy.validateResource
      ? [policy.validateResource]
      : [];
  for (const validate of validations) {
    await validate(args, (message) => {
      messages.push(message);
    });
  }
  return messages;
}

/** Runs one stack policy over resources; returns what it reported. */
export async function validateStack(
  policy: StackValidationPolicy,
  resources: PolicyResource[],
): Promise<{ message: string; urn?: string }[]> {
  const reported: { message: string; urn?: string }[] = [];
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map(),
    getConfig: () => ({}) as never,
    notApplicable,
  };
  await policy.validateStack(args, (message, urn) => {
    reported.push({ message, ...(urn !== undefined ? { urn } : {}) });
  });
  return reported;
}

/**
 * Runs every policy of the pack over what the program registered, as the CLI would: each
 * resource policy on each custom resource, each stack policy on them all.
 */
export async function runPack(
  stack: string,
  registered: readonly Registered[],
  resourcePolicies: readonly ResourceValidationPolicy[],
  stackPolicies: readonly StackValidationPolicy[],
): Promise<Violation[]> {
  // Components are not sent to analyzers' resource checks the way custom resources are; none of
  // the pack's policies looks at their (empty) inputs anyway.
  const custom = registered
    .filter((r) => !r.type.startsWith("timemanager:"))
    .map((r) => ({ ...r, inputs: unwrapSecrets(r.inputs) as Record<string, unknown> }));
  const optionsOf = (r: Registered): FakeOptions => {
    const parent = registered.find((p) => p.name === r.parent);
    return {
      name: r.name,
      stack,
      opts: {
        protect: r.protect ?? false,
        ...(parent !== undefined ? { parent: urnOf(stack, parent.type, parent.name) } : {}),
        // The recorder does not keep additionalSecretOutputs; @pulumi/kubernetes' Secret class
        // always passes these two (core/v1/secret.js), as the engine would show a policy.
        ...(r.type === "kubernetes:core/v1:Secret"
          ? { additionalSecretOutputs: ["data", "stringData"] }
          : {}),
      },
    };
  };
  const violations: Violation[] = [];
  for (const r of custom) {
    for (const policy of resourcePolicies) {
      const args = resourceArgs(r.type, r.inputs, optionsOf(r));
      for (const message of await validateResource(policy, args))
        violations.push({
          policy: policy.name,
          enforcementLevel: policy.enforcementLevel ?? "advisory",
          message,
          urn: args.urn,
        });
    }
  }
  const resources = custom.map((r) => policyResource(r.type, r.inputs, optionsOf(r)));
  for (const policy of stackPolicies) {
    for (const v of await validateStack(policy, resources))
      violations.push({
        policy: policy.name,
        enforcementLevel: policy.enforcementLevel ?? "advisory",
        ...v,
      });
  }
  return violations;
}
