import * as semver from "semver";

/**
 * The Pulumi CLI this project runs with when the one on PATH is older or missing: the release of
 * the @pulumi/pulumi SDK that package-lock.json holds (the CLI and the Node SDK are released
 * together, same version), which is also what `PulumiCommand.install` installs by default. Raise
 * it with the SDK; a test fails when the locked SDK overtakes it.
 */
export const PINNED_PULUMI_VERSION = "3.276.0";

/** Where a missing or outdated CLI is installed, relative to the checkout (git-ignored). */
export const TOOLS_PULUMI_DIR = ".tools/pulumi";

/** The versions of the Pulumi CLIs found, as `pulumi version` prints them; absent when none. */
export interface CliVersions {
  readonly onPath?: string;
  readonly inTools?: string;
}

/** Which CLI runs: the one on PATH, the one in .tools/pulumi, or the pinned one installed there. */
export type CliSource = "path" | "tools" | "install";

export interface CliChoice {
  readonly source: CliSource;
  /** What the user is told when the CLI on PATH is not the one used. */
  readonly note?: string;
}

/** A version as `pulumi version` prints it ("v3.276.0"), or null when it is not one. */
const parse = (found: string) => semver.parse(found.trim().replace(/^v/, ""));

/**
 * Why a CLI of version `found` cannot run this project, or undefined when it can: it must be of
 * the pinned major (the Automation API refuses a newer major) and at least the pinned version.
 */
function shortcoming(found: string, pinned: string): string | undefined {
  const version = parse(found);
  if (version === null) return `reports no version I can read ("${found.trim()}")`;
  if (version.major !== semver.major(pinned)) {
    return `is ${version.version}, another major than ${pinned}`;
  }
  return semver.lt(version, pinned) ? `is ${version.version}, older than ${pinned}` : undefined;
}

/**
 * Picks the CLI: the one on PATH when it is at least the pinned version of the same major;
 * else one installed earlier in .tools/pulumi if it is; else installs the pinned version there
 * (the user's PATH and ~/.pulumi are left alone), and says so.
 */
export function chooseCli(found: CliVersions, pinned = PINNED_PULUMI_VERSION): CliChoice {
  const onPath = found.onPath === undefined ? "missing" : shortcoming(found.onPath, pinned);
  if (onPath === undefined) return { source: "path" };
  const why = onPath === "missing" ? "No Pulumi CLI on PATH" : `The Pulumi CLI on PATH ${onPath}`;
  if (found.inTools !== undefined && shortcoming(found.inTools, pinned) === undefined) {
    return {
      source: "tools",
      note: `${why}: using ${parse(found.inTools)?.version ?? ""} from ${TOOLS_PULUMI_DIR}.`,
    };
  }
  return {
    source: "install",
    note: `${why}: installing Pulumi CLI ${pinned} into ${TOOLS_PULUMI_DIR} (once; your PATH stays as it is).`,
  };
}
