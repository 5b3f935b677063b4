/**
 * What the command-line program needs from Pulumi, as interfaces: `automation.ts` implements
 * them with the Automation API, the tests with recorded events. Types only, so that nothing here
 * loads the Automation API.
 */
import type { EngineEvent, OpMap, OutputMap } from "@pulumi/pulumi/automation";
import type { CliChoice, CliVersions } from "./pulumi-cli";

/** What an operation reports as it runs, and how it is stopped. */
export interface OperationHooks {
  readonly onEvent: (event: EngineEvent) => void;
  /** Aborting it sends the Pulumi CLI a SIGINT: it finishes what is in flight, then stops. */
  readonly signal?: AbortSignal;
}

/** One stack, opened through a Pulumi CLI. */
export interface EngineStack {
  /** Whether this run created it (with the passphrase secrets provider). */
  readonly created: boolean;
  /** A dry run of `up` or `destroy`: the engine's counts of what it would do. */
  plan(kind: "up" | "destroy", hooks: OperationHooks): Promise<OpMap>;
  /** `pulumi preview --diff`, as review shows it: its text to `onOutput`. */
  previewDiff(hooks: {
    readonly onOutput: (text: string) => void;
    readonly color: boolean;
  }): Promise<OpMap>;
  up(hooks: OperationHooks): Promise<{ readonly changes: OpMap; readonly outputs: OutputMap }>;
  destroy(hooks: OperationHooks): Promise<{ readonly changes: OpMap }>;
}

/** A Pulumi CLI ready to run. */
export interface PulumiCli {
  /** Its executable, for messages that tell the user to run it. */
  readonly command: string;
  /**
   * Selects the stack, or creates it when it does not exist and `create` is set; undefined when
   * it does not exist and is not to be created.
   */
  openStack(args: {
    readonly stackName: string;
    readonly envVars: Readonly<Record<string, string>>;
    readonly create: boolean;
  }): Promise<EngineStack | undefined>;
}

/** The Pulumi side of the program. */
export interface Engine {
  /** The versions of the CLI on PATH and in .tools/pulumi. */
  cliVersions(): Promise<CliVersions>;
  /** The chosen CLI, installed first when that is the choice. */
  cli(choice: CliChoice): Promise<PulumiCli>;
}
