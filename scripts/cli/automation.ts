/**
 * The one module that calls Pulumi's Automation API (@pulumi/pulumi/automation); everything that
 * decides lives in the modules beside it and is tested without it. `npm run up` and the
 * end-to-end suite both go through here.
 *
 * API used (node_modules/@pulumi/pulumi/automation, 3.276.0):
 * - cmd.d.ts: `PulumiCommand.get({ root, skipVersionCheck })` runs `<root>/bin/pulumi version`,
 *   or `pulumi` on PATH without root; `PulumiCommand.install({ version, root })` first tries
 *   `get` at root, else downloads get.pulumi.com's install script and installs there.
 * - localWorkspace.d.ts: `LocalWorkspace.create({ workDir, pulumiCommand, envVars,
 *   secretsProvider })`; envVars reach every command, secretsProvider is `stack init`'s.
 * - stack.d.ts: `Stack.select` / `Stack.create`, `up`, `preview`, `destroy`, `previewDestroy`
 *   with `onEvent` (events.d.ts: EngineEvent), `color`, `diff`, `policyPacks` and `signal`
 *   (cmd.js: on abort the CLI gets SIGINT, its own graceful cancel); errors.d.ts:
 *   StackNotFoundError.
 */
import * as path from "node:path";
import {
  type EngineEvent,
  LocalWorkspace,
  type OpMap,
  PulumiCommand,
  Stack,
  StackNotFoundError,
} from "@pulumi/pulumi/automation";
import { SemVer } from "semver";
import type { Engine, EngineStack, OperationHooks, PulumiCli } from "./engine";
import {
  type CliChoice,
  type CliVersions,
  PINNED_PULUMI_VERSION,
  TOOLS_PULUMI_DIR,
} from "./pulumi-cli";

/** The policy pack every plan, preview and up runs, as CI does (README, Review and policy). */
export const POLICY_PACK_DIR = "policy";

/** The CLI's version, or undefined when it cannot be run. */
async function versionOf(root?: string): Promise<string | undefined> {
  try {
    const command = await PulumiCommand.get({ root, skipVersionCheck: true });
    return command.version?.version;
  } catch {
    return undefined;
  }
}

/** The versions of the Pulumi CLI on PATH and in the checkout's .tools/pulumi. */
export async function cliVersions(checkout: string): Promise<CliVersions> {
  return {
    onPath: await versionOf(),
    inTools: await versionOf(path.join(checkout, TOOLS_PULUMI_DIR)),
  };
}

/** The Pulumi CLI that `choice` names; installs the pinned version into .tools/pulumi if so. */
export async function pulumiCommand(checkout: string, choice: CliChoice): Promise<PulumiCommand> {
  const root = path.join(checkout, TOOLS_PULUMI_DIR);
  switch (choice.source) {
    case "path":
      return PulumiCommand.get({ skipVersionCheck: true });
    case "tools":
      return PulumiCommand.get({ root, skipVersionCheck: true });
    case "install":
      return PulumiCommand.install({ version: new SemVer(PINNED_PULUMI_VERSION), root });
  }
}

/** Selects the project's stack in the checkout, or creates it (passphrase secrets) if asked. */
export async function openStack(args: {
  readonly checkout: string;
  readonly command: PulumiCommand;
  readonly stackName: string;
  readonly envVars: Readonly<Record<string, string>>;
  readonly create: boolean;
}): Promise<{ readonly stack: Stack; readonly created: boolean } | undefined> {
  const workspace = await LocalWorkspace.create({
    workDir: args.checkout,
    pulumiCommand: args.command,
    // Pulumi's update check would write to stderr on every command.
    envVars: { PULUMI_SKIP_UPDATE_CHECK: "true", ...args.envVars },
    secretsProvider: "passphrase",
  });
  try {
    return { stack: await Stack.select(args.stackName, workspace), created: false };
  } catch (error) {
    if (!(error instanceof StackNotFoundError)) throw error;
    if (!args.create) return undefined;
    return { stack: await Stack.create(args.stackName, workspace), created: true };
  }
}

/** The operations of the program on an Automation API stack. */
export function engineStack(stack: Stack, created: boolean, checkout: string): EngineStack {
  const policyPacks = [path.join(checkout, POLICY_PACK_DIR)];
  // Messages come without colour codes: the progress renderer colours what it shows.
  const events = (hooks: OperationHooks) => ({
    onEvent: (event: EngineEvent) => {
      hooks.onEvent(event);
    },
    signal: hooks.signal,
    color: "never" as const,
  });
  return {
    created,
    async plan(kind, hooks): Promise<OpMap> {
      const result =
        kind === "up"
          ? await stack.preview({ ...events(hooks), policyPacks })
          : await stack.previewDestroy(events(hooks));
      return result.changeSummary;
    },
    async previewDiff({ onOutput, color }): Promise<OpMap> {
      const result = await stack.preview({
        diff: true,
        policyPacks,
        onOutput,
        color: color ? "always" : "never",
      });
      return result.changeSummary;
    },
    async up(hooks) {
      const result = await stack.up({ ...events(hooks), policyPacks });
      return { changes: result.summary.resourceChanges ?? {}, outputs: result.outputs };
    },
    async destroy(hooks) {
      const result = await stack.destroy(events(hooks));
      return { changes: result.summary.resourceChanges ?? {} };
    },
  };
}

/** The Automation API behind `npm run up`, `preview` and `destroy`, for the checkout `checkout`. */
export function automationEngine(checkout: string): Engine {
  return {
    cliVersions: () => cliVersions(checkout),
    async cli(choice): Promise<PulumiCli> {
      const command = await pulumiCommand(checkout, choice);
      return {
        command: command.command,
        async openStack({ stackName, envVars, create }) {
          const opened = await openStack({ checkout, command, stackName, envVars, create });
          return opened === undefined
            ? undefined
            : engineStack(opened.stack, opened.created, checkout);
        },
      };
    },
  };
}
