import type { OpMap, OpType, OutputMap } from "@pulumi/pulumi/automation";
import { KEYS } from "../../config/keys";
import { SEED_DEV_PASSWORD } from "../../config/parse";
import { type Command, DEV_STACK } from "./args";
import { formatDuration } from "./progress";
import { type StackSettings, stringSetting } from "./stack-file";

/** The operations a summary names, in the order it names them. */
const PHRASES: readonly (readonly [OpType, string, string])[] = [
  ["create", "created", "to create"],
  ["update", "updated", "to update"],
  ["replace", "replaced", "to replace"],
  ["delete", "deleted", "to delete"],
  ["read", "read", "to read"],
  ["import", "imported", "to import"],
  ["discard", "discarded", "to discard"],
];

/**
 * How many resources change in an operation's summary: every logical step but "same" (the
 * engine counts a replacement once, as "replace"). Progress counts the same way.
 */
export function countChanges(changes: OpMap): number {
  return Object.entries(changes)
    .filter(([op]) => op !== "same")
    .reduce((sum, [, n]) => sum + n, 0);
}

function phrase(changes: OpMap, tense: 1 | 2, unchanged: boolean): string {
  const parts = PHRASES.filter(([op]) => (changes[op] ?? 0) > 0).map(
    ([op, ...words]) => `${String(changes[op])} ${words[tense - 1]}`,
  );
  if (unchanged && (changes.same ?? 0) > 0) parts.push(`${String(changes.same)} unchanged`);
  return parts.length === 0 ? "no change" : parts.join(", ");
}

/** "2 updated, 1 replaced, 30 unchanged", "no change". */
export function changesDone(changes: OpMap): string {
  return phrase(changes, 1, true);
}

/** "33 to create", "2 to update, 30 unchanged", "no change". */
export function changesPlanned(changes: OpMap): string {
  return phrase(changes, 2, true);
}

/** Who logs in to Grafana, and with which password (the value only when it is the seed's). */
export function loginHint(settings: StackSettings, stack: string): string {
  const user = stringSetting(settings, "grafanaAdminUser") ?? KEYS.grafanaAdminUser.default;
  const environment = stringSetting(settings, "environment") ?? KEYS.environment.default;
  if (environment === "dev" && settings.grafanaAdminPassword === undefined) {
    return `log in as ${user} / ${SEED_DEV_PASSWORD}`;
  }
  return `log in as ${user} with the stack's grafanaAdminPassword (pulumi config get grafanaAdminPassword --stack ${stack})`;
}

/** What a finished run tells: its outcome and, after an up, the addresses a person needs. */
export interface SummaryInput {
  readonly command: Command;
  readonly stack: string;
  readonly outcome: "succeeded" | "failed" | "cancelled";
  /** The engine's counts of what changed (or, for preview, would). */
  readonly changes: OpMap;
  /** Resources whose operation failed. */
  readonly failed: number;
  /** Wall time of the whole run, in seconds. */
  readonly seconds: number;
  /** The stack's outputs after an up. */
  readonly outputs?: OutputMap;
  readonly settings: StackSettings;
}

/** An output's value, undefined when the stack has no such output. */
const output = (outputs: OutputMap | undefined, key: string): unknown =>
  outputs !== undefined && Object.hasOwn(outputs, key)
    ? (outputs[key].value as unknown)
    : undefined;

const stringOutput = (outputs: OutputMap | undefined, key: string): string | undefined => {
  const value = output(outputs, key);
  return typeof value === "string" ? value : undefined;
};

/** The OTLP endpoints: from this machine when published, and from inside the platform. */
function otlpLines(outputs: OutputMap | undefined, inside: string): string[] {
  const value = output(outputs, "otlp");
  if (typeof value !== "object" || value === null) return [];
  const otlp = value as Readonly<Record<string, unknown>>;
  const line = (label: string, host: unknown, internal: unknown) => {
    const where = [
      typeof host === "string" ? `${host} (this machine)` : undefined,
      typeof internal === "string" ? `${internal} (${inside})` : undefined,
    ].filter((w) => w !== undefined);
    return where.length === 0 ? [] : [`  ${label.padEnd(11)} ${where.join(", ")}`];
  };
  return [
    ...line("OTLP gRPC", otlp.hostGrpc, otlp.grpc),
    ...line("OTLP HTTP", otlp.hostHttp, otlp.http),
  ];
}

/** The closing lines of a run. */
export function renderSummary(s: SummaryInput): string {
  const took = formatDuration(s.seconds);
  const failed = s.failed > 0 ? `, ${String(s.failed)} failed` : "";
  const rerun = s.stack === DEV_STACK ? "" : ` -- --stack ${s.stack}`;
  if (s.outcome === "failed") {
    return `\n${s.command} of ${s.stack} failed after ${took} (${changesDone(s.changes)}${failed}); the errors are above.\n`;
  }
  if (s.outcome === "cancelled") {
    return `\n${s.command} of ${s.stack} cancelled after ${took} (${changesDone(s.changes)}); npm run ${s.command}${rerun} takes it up again.\n`;
  }
  if (s.command === "preview") {
    return `\nPlan for ${s.stack}: ${changesPlanned(s.changes)} (${took}). Nothing was changed.\n`;
  }
  if (s.command === "destroy") {
    return `\n${s.stack} destroyed: ${changesDone(s.changes)} in ${took}.\n`;
  }
  const grafana = stringOutput(s.outputs, "grafanaUrl");
  const dashboard = stringOutput(s.outputs, "dashboardUrl");
  const slo = stringOutput(s.outputs, "sloDashboardUrl");
  const inside =
    stringSetting(s.settings, "platform") === "kubernetes" ? "in the cluster" : "the app's network";
  const lines = [
    "",
    `${s.stack} is up: ${changesDone(s.changes)} in ${took}.`,
    "",
    ...(grafana === undefined
      ? []
      : [`  ${"Grafana".padEnd(11)} ${grafana} (${loginHint(s.settings, s.stack)})`]),
    ...(dashboard === undefined ? [] : [`  ${"Dashboard".padEnd(11)} ${dashboard}`]),
    ...(slo === undefined ? [] : [`  ${"SLOs".padEnd(11)} ${slo}`]),
    ...otlpLines(s.outputs, inside),
  ];
  return `${lines.join("\n")}\n`;
}
