import * as path from "node:path";
import { type Command, DEV_STACK, stackShortName } from "./args";

/** Where the checkout keeps its own state when PULUMI_BACKEND_URL is not set (git-ignored). */
export const LOCAL_STATE_DIR = ".pulumi-state";

/**
 * The passphrase of the dev stack in `.pulumi-state/` when PULUMI_CONFIG_PASSPHRASE is not set.
 * Not a secret, and documented in the README: dev's settings have no secret of their own (Grafana's
 * admin/admin is the seed's), and the state never leaves the checkout. Any other stack, and dev on
 * any other backend, needs a passphrase of the user's choosing.
 */
export const DEV_PASSPHRASE = "timemanager-dev-not-secret";

/** The environment the Pulumi CLI gets: the backend and the passphrase of this run. */
export interface Backend {
  /** Variables to pass to every Pulumi command; what the user's environment has is left as is. */
  readonly envVars: Readonly<Record<string, string>>;
  /** The local state folder to create first, when the checkout's own backend is used. */
  readonly localDir?: string;
  /** The backend, as a person reads it. */
  readonly description: string;
  /** True when the dev default passphrase is in use (the run says so when it creates dev). */
  readonly defaultPassphrase: boolean;
}

export type BackendDecision =
  | { readonly ok: true; readonly backend: Backend }
  | { readonly ok: false; readonly message: string };

const isSet = (value: string | undefined): value is string => value !== undefined && value !== "";

/**
 * The backend and the secrets passphrase for a run, from the environment:
 * - PULUMI_BACKEND_URL set: that backend, untouched; otherwise `.pulumi-state/` in the checkout.
 * - PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE set: Pulumi reads it.
 * - neither: dev on the checkout's backend gets DEV_PASSPHRASE; anything else is refused with a
 *   message that says how to set one, before Pulumi is started.
 */
export function decideBackend(
  command: Command,
  stack: string,
  env: Readonly<Record<string, string | undefined>>,
  root: string,
): BackendDecision {
  const envVars: Record<string, string> = {};
  const own = env.PULUMI_BACKEND_URL;
  let localDir: string | undefined;
  let description: string;
  if (isSet(own)) {
    description = own;
  } else {
    localDir = path.join(root, LOCAL_STATE_DIR);
    envVars.PULUMI_BACKEND_URL = `file://${localDir}`;
    description = `${LOCAL_STATE_DIR}/ in this checkout`;
  }

  const hasPassphrase =
    isSet(env.PULUMI_CONFIG_PASSPHRASE) || isSet(env.PULUMI_CONFIG_PASSPHRASE_FILE);
  if (hasPassphrase) {
    return { ok: true, backend: { envVars, localDir, description, defaultPassphrase: false } };
  }
  if (stackShortName(stack) === DEV_STACK && localDir !== undefined) {
    envVars.PULUMI_CONFIG_PASSPHRASE = DEV_PASSPHRASE;
    return { ok: true, backend: { envVars, localDir, description, defaultPassphrase: true } };
  }

  const rerun =
    stack === DEV_STACK ? `npm run ${command}` : `npm run ${command} -- --stack ${stack}`;
  const why =
    stackShortName(stack) === DEV_STACK
      ? `dev has a default passphrase only in ${LOCAL_STATE_DIR}/, and PULUMI_BACKEND_URL is set (${description})`
      : `only dev, in ${LOCAL_STATE_DIR}/, has a default passphrase`;
  return {
    ok: false,
    message: [
      `Stack ${stack} needs the passphrase that encrypts its secrets: ${why}.`,
      "Set it (or PULUMI_CONFIG_PASSPHRASE_FILE, the path of a file holding it) and run again:",
      "",
      "  export PULUMI_CONFIG_PASSPHRASE='the-passphrase'",
      `  ${rerun}`,
      "",
      "A new stack takes the passphrase it is first run with; keep it (a password manager): every later run needs the same one.",
    ].join("\n"),
  };
}
