import { type CliSource, PINNED_PULUMI_VERSION, TOOLS_PULUMI_DIR } from "./pulumi-cli";

/** The parts of an error these messages read; the Automation API's CommandError has them. */
interface ErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
}

const asError = (error: unknown): ErrorLike =>
  typeof error === "object" && error !== null ? error : { message: String(error) };

const messageOf = (error: unknown): string => {
  const { message } = asError(error);
  return typeof message === "string" ? message : String(error);
};

/**
 * What the Pulumi CLI wrote to stderr, from a CommandError's message (`code: …\n stdout: …\n
 * stderr: …\n err?: …`, the Automation API's CommandResult.toString); the whole message otherwise.
 */
export function commandStderr(error: unknown): string {
  const message = messageOf(error);
  const stderr = /\n stderr: ([\s\S]*?)\n err\?: /.exec(message)?.[1];
  return (stderr ?? message).trim();
}

/** The context a message about a failed Pulumi command needs. */
export interface ErrorContext {
  readonly stack: string;
  /** The Pulumi CLI's executable. */
  readonly cli: string;
  /** PULUMI_BACKEND_URL as this run set it, when it set it. */
  readonly backendUrl?: string;
  /** Whether the run used the dev default passphrase. */
  readonly defaultPassphrase: boolean;
}

/** One message for a Pulumi command that failed before its events said why. */
export function explainEngineError(error: unknown, context: ErrorContext): string {
  const stderr = commandStderr(error);
  if (asError(error).name === "ConcurrentUpdateError") {
    const env = context.backendUrl === undefined ? "" : `PULUMI_BACKEND_URL=${context.backendUrl} `;
    return [
      `Stack ${context.stack} is locked by another update.`,
      "If none is running (an earlier run was stopped hard), remove the lock, then run again:",
      `  ${env}${context.cli} cancel --stack ${context.stack} --yes`,
    ].join("\n");
  }
  if (/incorrect passphrase|passphrase must be set/i.test(stderr)) {
    return context.defaultPassphrase
      ? `The dev default passphrase does not decrypt stack ${context.stack}'s secrets: it was created with another one. Set PULUMI_CONFIG_PASSPHRASE to that one and run again.`
      : `The passphrase given does not decrypt stack ${context.stack}'s secrets: set PULUMI_CONFIG_PASSPHRASE to the one it was created with and run again.`;
  }
  return `Pulumi failed:\n${stderr
    .split("\n")
    .map((line) => (line === "" ? "" : `  ${line}`))
    .join("\n")}`;
}

/** The message when the chosen CLI cannot be run or installed. */
export function cliUnavailable(source: CliSource, error: unknown): string {
  const first = commandStderr(error).split("\n")[0];
  const what =
    source === "install"
      ? `installing ${PINNED_PULUMI_VERSION} into ${TOOLS_PULUMI_DIR} failed`
      : `the one ${source === "path" ? "on PATH" : `in ${TOOLS_PULUMI_DIR}`} does not run`;
  return [
    `No usable Pulumi CLI: ${what} (${first}).`,
    `Install Pulumi ${PINNED_PULUMI_VERSION} or later yourself (https://www.pulumi.com/docs/iac/download-install/) and run again.`,
  ].join("\n");
}
