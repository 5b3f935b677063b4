import * as path from "node:path";
import type { EngineEvent, OpMap, OutputMap } from "@pulumi/pulumi/automation";
import { type Command, parseCommandLine, type Request, stackShortName, USAGE } from "./args";
import { type Backend, decideBackend } from "./backend";
import { type DockerProbe, dockerProbe, dockerUnreachable, type PingResult } from "./docker";
import type { Engine, EngineStack, OperationHooks, PulumiCli } from "./engine";
import { cliUnavailable, explainEngineError } from "./errors";
import { Progress } from "./progress";
import { chooseCli } from "./pulumi-cli";
import { projectName, type StackSettings, stackSettings } from "./stack-file";
import { changesPlanned, countChanges, renderSummary } from "./summary";

/** Everything the program does to the world besides Pulumi, so that tests replace it. */
export interface Io {
  /** The checkout: Pulumi.yaml, the stack files, .pulumi-state/, .tools/. */
  readonly root: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  /** Standard output is a terminal: colours and a status line. */
  readonly tty: boolean;
  /**
   * Started from a terminal: its Ctrl-C reaches the whole foreground process group, the Pulumi CLI
   * included, so the program does not signal the CLI a second time (that would stop it at once).
   */
  readonly interactive: boolean;
  columns(): number;
  out(text: string): void;
  err(text: string): void;
  /** A file's text, undefined when there is none. */
  readFile(file: string): string | undefined;
  makeDir(dir: string): void;
  ping(probe: Exclude<DockerProbe, { kind: "skip" }>): Promise<PingResult>;
  nowMs(): number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
  /** Calls `handler` on each SIGINT until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Ends the process now (a second Ctrl-C when nothing else would stop it). */
  exit(code: number): void;
}

/** What a step that runs before Pulumi gets. */
export interface PreStepContext {
  readonly request: Request;
  readonly io: Io;
}

/**
 * A step between the checks and the first Pulumi command (a build, say): it writes its own
 * progress and throws to stop the run, with a message for the user.
 */
export interface PreStep {
  readonly name: string;
  run(context: PreStepContext): Promise<void>;
}

/** The steps every run takes before Pulumi starts; none yet. */
export const PRE_STEPS: readonly PreStep[] = [];

/**
 * What a SIGINT asks for. The first cancels cleanly; another within `echoMs` is the same Ctrl-C
 * again (npm passes the terminal's signal on to its script, which has it already); a later one
 * stops at once.
 */
export class Interrupts {
  private first?: number;

  constructor(private readonly echoMs = 1000) {}

  receive(nowMs: number): "cancel" | "echo" | "stop" {
    if (this.first === undefined) {
      this.first = nowMs;
      return "cancel";
    }
    return nowMs - this.first < this.echoMs ? "echo" : "stop";
  }
}

/** Exit status of a run cancelled by Ctrl-C (128 + SIGINT), as a shell reports one. */
export const EXIT_CANCELLED = 130;

interface Run {
  readonly request: Request;
  readonly io: Io;
  readonly backend: Backend;
  readonly settings: StackSettings;
  readonly cli: PulumiCli;
  readonly startedMs: number;
}

/**
 * The program: reads the command line, checks what it can before Pulumi runs (passphrase,
 * Docker, the CLI), then plans and applies, or previews, and sums up. Returns the exit status.
 */
export async function runCli(
  argv: readonly string[],
  io: Io,
  engine: Engine,
  preSteps: readonly PreStep[] = PRE_STEPS,
): Promise<number> {
  const startedMs = io.nowMs();
  const parsed = parseCommandLine(argv);
  if (parsed.kind === "help") {
    io.out(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    io.err(`${parsed.message}\n${parsed.usage ? `\n${USAGE}` : ""}`);
    return 1;
  }
  const { request } = parsed;

  const decision = decideBackend(request.command, request.stack, io.env, io.root);
  if (!decision.ok) {
    io.err(`${decision.message}\n`);
    return 1;
  }
  const { backend } = decision;

  const project = projectName(io.readFile(path.join(io.root, "Pulumi.yaml")) ?? "");
  const stackFile = path.join(io.root, `Pulumi.${stackShortName(request.stack)}.yaml`);
  const settings = stackSettings(io.readFile(stackFile), project);
  const probe = dockerProbe(settings, io.env, io.platform);
  if (probe.kind !== "skip") {
    const ping = await io.ping(probe);
    if (!ping.ok) {
      io.err(`${dockerUnreachable(probe, ping)}\n`);
      return 1;
    }
  }

  const choice = chooseCli(await engine.cliVersions());
  if (choice.note !== undefined) io.out(`${choice.note}\n`);
  let cli: PulumiCli;
  try {
    cli = await engine.cli(choice);
  } catch (error) {
    io.err(`${cliUnavailable(choice.source, error)}\n`);
    return 1;
  }

  for (const step of preSteps) {
    try {
      await step.run({ request, io });
    } catch (error) {
      io.err(`${step.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  }

  const run: Run = { request, io, backend, settings, cli, startedMs };
  if (backend.localDir !== undefined) io.makeDir(backend.localDir);
  let stack: EngineStack | undefined;
  try {
    stack = await cli.openStack({
      stackName: request.stack,
      envVars: backend.envVars,
      create: request.command !== "destroy",
    });
  } catch (error) {
    io.err(`${explain(run, error)}\n`);
    return 1;
  }
  if (stack === undefined) {
    io.out(`No stack ${request.stack} in ${backend.description}: nothing to destroy.\n`);
    return 0;
  }
  if (stack.created) {
    const secrets = backend.defaultPassphrase
      ? ", its secrets encrypted with the dev passphrase (README, Set up and run)"
      : "";
    io.out(`Created stack ${request.stack} in ${backend.description}${secrets}.\n`);
  }

  return request.command === "preview" ? preview(run, stack) : apply(run, stack, request.command);
}

function explain(run: Run, error: unknown): string {
  return explainEngineError(error, {
    stack: run.request.stack,
    cli: run.cli.command,
    backendUrl: run.backend.envVars.PULUMI_BACKEND_URL,
    defaultPassphrase: run.backend.defaultPassphrase,
  });
}

const seconds = (run: Run) => (run.io.nowMs() - run.startedMs) / 1000;

async function preview(run: Run, stack: EngineStack): Promise<number> {
  const { io, request } = run;
  let changes: OpMap;
  try {
    changes = await stack.previewDiff({
      onOutput: (text) => {
        io.out(text);
      },
      color: io.tty,
    });
  } catch (error) {
    io.err(
      `${explain(run, error)}\nThe preview of ${request.stack} failed; nothing was changed.\n`,
    );
    return 1;
  }
  io.out(
    renderSummary({
      command: "preview",
      stack: request.stack,
      outcome: "succeeded",
      changes,
      failed: 0,
      seconds: seconds(run),
      settings: run.settings,
    }),
  );
  return 0;
}

/** up or destroy: a plan first (the count's total; a program error stops here), then the run. */
async function apply(
  run: Run,
  stack: EngineStack,
  command: Exclude<Command, "preview">,
): Promise<number> {
  const { io, request } = run;
  const plan = new Progress({ mode: "plan", tty: io.tty });
  let planned: OpMap;
  try {
    planned = await stack.plan(command, {
      onEvent: (event) => {
        io.out(plan.event(event));
      },
    });
  } catch (error) {
    io.out(plan.finish());
    if (!plan.reportedErrors) io.err(`${explain(run, error)}\n`);
    io.err(`The plan for ${request.stack} failed; nothing was changed.\n`);
    return 1;
  }
  io.out(plan.finish());
  io.out(`Plan for ${request.stack}: ${changesPlanned(planned)}.\n`);

  const progress = new Progress({
    mode: "apply",
    tty: io.tty,
    total: countChanges(planned),
    columns: io.columns(),
  });
  const controller = new AbortController();
  const interrupts = new Interrupts();
  // A record, not a let: it changes in the signal handler, which flow analysis does not follow.
  const state = { cancelled: false };
  const stopListening = io.onInterrupt(() => {
    const action = interrupts.receive(io.nowMs());
    if (action === "echo") return;
    if (action === "cancel") {
      state.cancelled = true;
      io.out(
        progress.note(
          "Cancelling: what is in progress finishes, nothing new starts (Ctrl-C again to stop at once).",
        ),
      );
      if (!io.interactive) controller.abort();
      return;
    }
    io.out(progress.note("Stopping at once."));
    if (!io.interactive) io.exit(EXIT_CANCELLED);
  });
  const stopTicking = io.tty
    ? io.every(1000, () => {
        io.out(progress.tick(io.nowMs() / 1000));
      })
    : () => undefined;

  const hooks: OperationHooks = {
    onEvent: (event: EngineEvent) => {
      io.out(progress.event(event));
    },
    signal: controller.signal,
  };
  let result: { readonly changes: OpMap; readonly outputs?: OutputMap } | undefined;
  let failure: unknown;
  try {
    result = command === "up" ? await stack.up(hooks) : await stack.destroy(hooks);
  } catch (error) {
    failure = error;
  } finally {
    stopTicking();
    stopListening();
    io.out(progress.finish());
  }

  const outcome = result !== undefined ? "succeeded" : state.cancelled ? "cancelled" : "failed";
  if (outcome === "failed" && !progress.reportedErrors) io.err(`${explain(run, failure)}\n`);
  io.out(
    renderSummary({
      command,
      stack: request.stack,
      outcome,
      changes: progress.summary?.resourceChanges ?? result?.changes ?? {},
      failed: progress.failed,
      seconds: seconds(run),
      outputs: result?.outputs,
      settings: run.settings,
    }),
  );
  return outcome === "succeeded" ? 0 : outcome === "cancelled" ? EXIT_CANCELLED : 1;
}
