import { parseArgs } from "node:util";

/** What the program does to the stack; each is one npm script of the same name. */
export const COMMANDS = ["up", "preview", "destroy"] as const;
export type Command = (typeof COMMANDS)[number];

/** The stack a bare `npm run up` deploys, the only one with a default passphrase. */
export const DEV_STACK = "dev";

/** A run's request: what to do, to which stack. */
export interface Request {
  readonly command: Command;
  readonly stack: string;
  /** destroy only: a stack other than dev is destroyed only when asked with --yes. */
  readonly yes: boolean;
}

export type Parsed =
  | { readonly kind: "run"; readonly request: Request }
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string; readonly usage: boolean };

export const USAGE = `Usage: npm run <up | preview | destroy> [-- options]

  up        create or update the stack (planned first), then print its URLs
  preview   show what up would change, with the diff, as in review
  destroy   delete the stack's resources

Options:
  -s, --stack <name>  the stack, e.g. prod (default: dev)
  -y, --yes           destroy a stack other than dev
  -h, --help          print this help

Environment:
  PULUMI_BACKEND_URL        your own backend (default: .pulumi-state/ in this checkout)
  PULUMI_CONFIG_PASSPHRASE  the stack's secrets passphrase (not needed for dev in .pulumi-state/)
`;

/** Pulumi's stack names, bare or qualified as org/project/stack on a backend that has them. */
const STACK_NAME = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+){0,2}$/;

/** A command line it cannot read: the message, with the usage after it. */
const fail = (message: string): Parsed => ({ kind: "error", message, usage: true });

/**
 * Reads the command line: the command (set by the npm script), then the user's options after
 * `npm run <command> --`. Anything it does not know is an error, never ignored: a misspelt
 * option must not deploy the default stack.
 */
export function parseCommandLine(argv: readonly string[]): Parsed {
  const { tokens } = parseArgs({
    args: [...argv],
    options: {
      stack: { type: "string", short: "s" },
      yes: { type: "boolean", short: "y" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const positionals = tokens.filter((t) => t.kind === "positional").map((t) => t.value);
  const options = tokens.filter((t) => t.kind === "option");

  const unknown = options.find((o) => !["stack", "yes", "help"].includes(o.name));
  if (unknown !== undefined) return fail(`unknown option ${unknown.rawName}`);
  if (options.some((o) => o.name === "help")) return { kind: "help" };

  if (positionals.length === 0) return fail("no command given");
  const [command, ...extra] = positionals;
  if (!(COMMANDS as readonly string[]).includes(command)) {
    return fail(`unknown command "${command}" (one of: ${COMMANDS.join(", ")})`);
  }
  if (extra.length > 0) {
    // npm keeps options before `--` for itself and passes on only their values.
    return fail(
      `unexpected argument "${extra[0]}": options go after --, as in npm run ${command} -- --stack prod`,
    );
  }

  const stacks = options.filter((o) => o.name === "stack");
  if (stacks.length > 1) return fail("--stack given more than once");
  const stack = stacks.length === 0 ? DEV_STACK : stacks[0].value;
  if (stack === undefined || stack === "")
    return fail("--stack needs a stack name, e.g. --stack prod");
  if (!STACK_NAME.test(stack)) {
    return fail(
      `"${stack}" is not a stack name: letters, digits, "-", "_" and "." (org/project/stack on a backend with organisations)`,
    );
  }

  const yesOption = options.find((o) => o.name === "yes");
  if (yesOption?.value !== undefined) return fail(`${yesOption.rawName} takes no value`);
  const yes = yesOption !== undefined;
  if (yes && command !== "destroy") return fail(`${yesOption.rawName} applies to destroy only`);
  if (command === "destroy" && stackShortName(stack) !== DEV_STACK && !yes) {
    return {
      kind: "error",
      message: `destroy deletes every resource of stack ${stack}; to go ahead: npm run destroy -- --stack ${stack} --yes`,
      usage: false,
    };
  }
  return { kind: "run", request: { command: command as Command, stack, yes } };
}

/** The stack's own name, without the org/project a qualified name carries: Pulumi.<it>.yaml. */
export function stackShortName(stack: string): string {
  return stack.slice(stack.lastIndexOf("/") + 1);
}
