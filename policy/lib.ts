/**
 * What every rule set of the pack shares: reading a resource's inputs without `any`, the stack a
 * resource belongs to, and a resource validation limited to some types.
 *
 * How the pack tells the two platforms apart: by resource type. `docker:*` resources exist only on
 * platform docker and `kubernetes:*` ones only on platform kubernetes, so each rule set looks at
 * its platform's types and never fires on the other's. How it tells the environment: by the stack
 * name in the URN. A policy cannot read stack config, so a stack named {@link DEV_STACK} is dev
 * and every other stack is held to prod's rules.
 */
import type {
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
} from "@pulumi/policy";

/** Pulumi's marker for a value a preview cannot know yet (engine `UnknownStringValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The one stack held to dev's rules (the seed's admin login, volumes that destroy removes). */
export const DEV_STACK = "dev";

export type Props = Readonly<Record<string, unknown>>;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The records of a list; anything else is no records. */
export function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** A known string, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== UNKNOWN ? v : undefined;
}

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** The record at `path` inside `v`, or an empty one. */
export function at(v: unknown, ...path: string[]): Record<string, unknown> {
  let current: unknown = v;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return isRecord(current) ? current : {};
}

/** The stack name, from the URN `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOf(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

/** Whether the resource belongs to the dev stack; every other stack is held to prod's rules. */
export function isDevStack(urn: string): boolean {
  return stackOf(urn) === DEV_STACK;
}

/**
 * The type of the resource a URN names: the last of its type chain
 * (`urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`).
 */
export function typeOfUrn(urn: string): string | undefined {
  return urn.split("::")[2]?.split("$").pop();
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What a check reads of a resource: its inputs typed as unknown, not `any`, and its options. */
export interface Subject {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Props;
  readonly opts: PolicyResourceOptions;
}
export type Check = (subject: Subject, report: ReportViolation) => void;

/** A resource validation that only looks at resources of one of `types`. */
export function forType(
  types: readonly string[],
  check: Check,
): (args: ResourceValidationArgs, report: ReportViolation) => void {
  return (args, report) => {
    const props: Props = args.props;
    if (types.includes(args.type))
      check({ type: args.type, name: args.name, urn: args.urn, props, opts: args.opts }, report);
  };
}
