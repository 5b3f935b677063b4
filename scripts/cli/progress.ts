import type {
  DiagnosticEvent,
  EngineEvent,
  OpType,
  PolicyEvent,
  StepEventMetadata,
  SummaryEvent,
} from "@pulumi/pulumi/automation";

/** How a progress is shown: "apply" for up and destroy, "plan" for the dry run before them. */
export interface ProgressOptions {
  /**
   * "apply": a line as each resource starts and ends, the count, every diagnostic. "plan": only
   * what stops the plan (errors, mandatory policy violations); the apply that follows shows the rest.
   */
  readonly mode: "apply" | "plan";
  /** A terminal: colours and a status line of what is in progress. Otherwise plain lines. */
  readonly tty: boolean;
  /** The changes the plan announced: the count's denominator. */
  readonly total?: number;
  /** Terminal width, which the status line never exceeds (a wrapped line cannot be redrawn). @default 80 */
  readonly columns?: number;
}

interface Verb {
  readonly symbol: string;
  readonly doing: string;
  readonly done: string;
  readonly failed: string;
  readonly colour: number;
}

const GREEN = 32;
const YELLOW = 33;
const RED = 31;
const MAGENTA = 35;
const CYAN = 36;
const DIM = 2;
const BOLD = 1;

/** The operations a person sees, one line each as they start and end (Pulumi's symbols). */
const VERBS: Partial<Record<OpType, Verb>> = {
  create: { symbol: "+", doing: "creating", done: "created", failed: "create", colour: GREEN },
  update: { symbol: "~", doing: "updating", done: "updated", failed: "update", colour: YELLOW },
  delete: { symbol: "-", doing: "deleting", done: "deleted", failed: "delete", colour: RED },
  read: { symbol: ">", doing: "reading", done: "read", failed: "read", colour: CYAN },
  import: { symbol: "=", doing: "importing", done: "imported", failed: "import", colour: CYAN },
  refresh: { symbol: "~", doing: "refreshing", done: "refreshed", failed: "refresh", colour: CYAN },
  discard: { symbol: "-", doing: "discarding", done: "discarded", failed: "discard", colour: RED },
};
const REPLACE: Verb = {
  symbol: "+-",
  doing: "replacing",
  done: "replaced",
  failed: "replace",
  colour: MAGENTA,
};
/** A replaced resource's old copy, deleted at the end of the update (create-before-delete). */
const ORIGINAL: Verb = {
  symbol: "--",
  doing: "deleting original",
  done: "deleted original",
  failed: "delete original",
  colour: RED,
};

/** The engine's steps that make up one replacement, which counts once (as its summary does). */
const REPLACEMENT_STEPS: readonly OpType[] = ["create-replacement", "replace", "delete-replaced"];

interface Running {
  readonly urn: string;
  readonly verb: Verb;
  readonly start: number;
  /** Whether it counts as one of the plan's changes (an original's deletion does not). */
  readonly counted: boolean;
  /** A replacement ends once both its new copy exists and the engine's replace step is done. */
  newCreated?: boolean;
  replaceStepDone?: boolean;
}

const STACK_TYPE = "pulumi:pulumi:Stack";
const CLEAR_LINE = "\r\x1b[2K";

/** The resource's type and name from its URN: urn:pulumi:stack::project::parent$type::name. */
export function describeUrn(urn: string): { readonly type: string; readonly name: string } {
  const parts = urn.split("::");
  const name = parts.slice(3).join("::");
  const qualifiedType = parts[2] ?? "";
  return { type: qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1), name };
}

/** 7s, 2m 05s, 1h 02m. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${String(s)}s`;
  if (s < 3600) return `${String(Math.floor(s / 60))}m ${String(s % 60).padStart(2, "0")}s`;
  return `${String(Math.floor(s / 3600))}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Turns the engine's events into what a person reads, as text to write: pure, fed one event at
 * a time (the events carry their own timestamps, so durations come from the engine's clock).
 * On a terminal it keeps a status line below the output, redrawn on each event and `tick`.
 */
export class Progress {
  private readonly running = new Map<string, Running>();
  private readonly replaced = new Set<string>();
  /** Errors of resources in progress, shown with the resource's failure. */
  private readonly pendingErrors = new Map<string, DiagnosticEvent[]>();
  private done = 0;
  /** The status line on screen now, "" when none. */
  private statusShown = "";
  private lastTimestamp = 0;
  private failures = 0;
  private errorsShown = false;
  private summaryEvent?: SummaryEvent;

  constructor(private readonly options: ProgressOptions) {}

  /** How many of the plan's changes are done. */
  get completed(): number {
    return this.done;
  }

  /** How many resources failed. */
  get failed(): number {
    return this.failures;
  }

  /** Whether any error (a diagnostic, a failure, a mandatory policy) has been shown. */
  get reportedErrors(): boolean {
    return this.errorsShown;
  }

  /** The engine's summary of the operation, once it has sent it. */
  get summary(): SummaryEvent | undefined {
    return this.summaryEvent;
  }

  /** The text one engine event adds to the output. */
  event(event: EngineEvent): string {
    this.lastTimestamp = Math.max(this.lastTimestamp, event.timestamp);
    const lines: string[] = [];
    if (event.diagnosticEvent !== undefined) {
      lines.push(...this.diagnostic(event.diagnosticEvent));
    } else if (event.policyEvent !== undefined) {
      lines.push(...this.policy(event.policyEvent));
    } else if (event.summaryEvent !== undefined) {
      this.summaryEvent = event.summaryEvent;
      lines.push(...this.leftoverErrors());
    } else if (this.options.mode === "apply") {
      if (event.resourcePreEvent !== undefined) {
        lines.push(...this.started(event.resourcePreEvent.metadata, event.timestamp));
      } else if (event.resOutputsEvent !== undefined) {
        lines.push(...this.ended(event.resOutputsEvent.metadata, event.timestamp));
      } else if (event.resOpFailedEvent !== undefined) {
        lines.push(...this.failedStep(event.resOpFailedEvent.metadata, event.timestamp));
      }
    }
    return this.emit(lines);
  }

  /** The status line again, with its timers at `nowSeconds` (a terminal's once-a-second tick). */
  tick(nowSeconds: number): string {
    if (!this.options.tty) return "";
    this.lastTimestamp = Math.max(this.lastTimestamp, nowSeconds);
    return this.emit([]);
  }

  /** A line of the program's own, written among the engine's (above the status line). */
  note(text: string): string {
    return this.emit([text]);
  }

  /** The end of the output: errors not shown yet, and the status line removed. */
  finish(): string {
    return this.emit(this.leftoverErrors(), false);
  }

  private started(m: StepEventMetadata, at: number): string[] {
    if ((REPLACEMENT_STEPS as readonly string[]).includes(m.op)) {
      const current = this.running.get(m.urn);
      if (current?.verb === REPLACE) return [];
      if (m.op === "delete-replaced" && this.replaced.has(m.urn)) {
        return this.start(`${m.urn}\u0000original`, m.urn, ORIGINAL, at, false);
      }
      return this.start(m.urn, m.urn, REPLACE, at, true);
    }
    const verb = VERBS[m.op];
    return verb === undefined ? [] : this.start(m.urn, m.urn, verb, at, true);
  }

  private start(key: string, urn: string, verb: Verb, at: number, counted: boolean): string[] {
    this.running.set(key, { urn, verb, start: at, counted });
    return [
      `${this.countPrefix()} ${this.label(verb.colour, verb.symbol, verb.doing)} ${this.resource(urn)}`,
    ];
  }

  private ended(m: StepEventMetadata, at: number): string[] {
    const original = this.running.get(`${m.urn}\u0000original`);
    if (m.op === "delete-replaced" && original !== undefined) {
      return this.end(`${m.urn}\u0000original`, original, at);
    }
    const current = this.running.get(m.urn);
    if (current === undefined) return [];
    if (current.verb === REPLACE) {
      if (m.op === "create-replacement") current.newCreated = true;
      if (m.op === "replace") current.replaceStepDone = true;
      if (current.newCreated !== true || current.replaceStepDone !== true) return [];
      this.replaced.add(m.urn);
    }
    return this.end(m.urn, current, at);
  }

  private end(key: string, step: Running, at: number): string[] {
    this.running.delete(key);
    if (step.counted) this.done += 1;
    const took = this.paint(DIM, `(${formatDuration(at - step.start)})`);
    return [
      `${this.countPrefix()} ${this.label(step.verb.colour, step.verb.symbol, step.verb.done)} ${this.resource(step.urn)} ${took}`,
    ];
  }

  private failedStep(m: StepEventMetadata, at: number): string[] {
    const originalKey = `${m.urn}\u0000original`;
    const key = m.op === "delete-replaced" && this.running.has(originalKey) ? originalKey : m.urn;
    const step = this.running.get(key) ?? {
      urn: m.urn,
      verb: VERBS[m.op] ?? REPLACE,
      start: at,
      counted: true,
    };
    this.running.delete(key);
    this.failures += 1;
    this.errorsShown = true;
    const label = this.label(RED, "x", `${step.verb.failed} failed`);
    const took = this.paint(DIM, `(${formatDuration(at - step.start)})`);
    const errors = this.pendingErrors.get(m.urn) ?? [];
    this.pendingErrors.delete(m.urn);
    return [
      `${this.countPrefix()} ${label} ${this.resource(m.urn)} ${took}`,
      ...errors.flatMap((d) => indent(d.message)),
    ];
  }

  private diagnostic(d: DiagnosticEvent): string[] {
    if (d.ephemeral === true) return [];
    if (d.severity === "error") {
      this.errorsShown = true;
      const urn = d.urn ?? "";
      if (this.options.mode === "apply" && [...this.running.values()].some((r) => r.urn === urn)) {
        this.pendingErrors.set(urn, [...(this.pendingErrors.get(urn) ?? []), d]);
        return [];
      }
      return this.block(RED, "error", d.urn, d.message);
    }
    if (this.options.mode === "plan") return [];
    const severity = d.severity === "warning" ? "warning" : "info";
    return this.block(severity === "warning" ? YELLOW : DIM, severity, d.urn, d.message);
  }

  private policy(p: PolicyEvent): string[] {
    const mandatory = p.enforcementLevel === "mandatory";
    if (mandatory) this.errorsShown = true;
    if (!mandatory && this.options.mode === "plan") return [];
    const on = p.resourceUrn === undefined ? "" : ` on ${this.resource(p.resourceUrn)}`;
    return [
      this.paint(
        mandatory ? RED : YELLOW,
        `policy violation (${p.enforcementLevel}): ${p.policyPackName}/${p.policyName}`,
      ) + on,
      ...indent(p.message),
    ];
  }

  private leftoverErrors(): string[] {
    const lines = [...this.pendingErrors.entries()].flatMap(([urn, errors]) =>
      errors.flatMap((d) => this.block(RED, "error", urn, d.message)),
    );
    this.pendingErrors.clear();
    return lines;
  }

  private block(
    colour: number,
    severity: string,
    urn: string | undefined,
    message: string,
  ): string[] {
    const on = urn === undefined || urn === "" ? "" : ` ${this.resource(urn)}`;
    return [`${this.paint(colour, `${severity}:`)}${on}`, ...indent(message)];
  }

  /** "+  creating  ": the operation's symbol and word, in its colour, in aligned columns. */
  private label(colour: number, symbol: string, word: string): string {
    return (
      this.paint(colour, `${symbol.padEnd(2)} ${word}`) + " ".repeat(Math.max(0, 10 - word.length))
    );
  }

  private resource(urn: string): string {
    const { type, name } = describeUrn(urn);
    return `${type} ${this.paint(BOLD, name)}`;
  }

  private countPrefix(): string {
    const total = this.options.total;
    if (total === undefined) return this.paint(DIM, `[${String(this.done)}]`);
    const of = Math.max(total, this.done);
    return this.paint(DIM, `[${String(this.done).padStart(String(of).length)}/${String(of)}]`);
  }

  private paint(code: number, text: string): string {
    return this.options.tty ? `\x1b[${String(code)}m${text}\x1b[0m` : text;
  }

  /** Lines to write, with the status line taken down first and put back after (on a terminal). */
  private emit(lines: readonly string[], withStatus = true): string {
    if (!this.options.tty) return lines.map((l) => `${l}\n`).join("");
    const status = withStatus ? this.statusLine() : "";
    if (lines.length === 0 && status === this.statusShown) return "";
    const text =
      (this.statusShown === "" ? "" : CLEAR_LINE) + lines.map((l) => `${l}\n`).join("") + status;
    this.statusShown = status;
    return text;
  }

  /** What is in progress, oldest first, cut to the terminal's width. */
  private statusLine(): string {
    const active = [...this.running.values()].filter((r) => describeUrn(r.urn).type !== STACK_TYPE);
    if (active.length === 0) return "";
    const names = active
      .sort((a, b) => a.start - b.start)
      .map((r) => `${describeUrn(r.urn).name} ${formatDuration(this.lastTimestamp - r.start)}`);
    const total = this.options.total === undefined ? "" : `/${String(this.options.total)}`;
    const text = `${String(this.done)}${total} done, ${String(active.length)} in progress: ${names.join(", ")}`;
    const width = Math.max(20, (this.options.columns ?? 80) - 1);
    const cut = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    return this.paint(DIM, cut);
  }
}

/** A message's lines, indented under the line they belong to; trailing blank lines dropped. */
function indent(message: string): string[] {
  return message
    .replace(/\s+$/, "")
    .split("\n")
    .map((line) => (line === "" ? "" : `    ${line}`));
}
