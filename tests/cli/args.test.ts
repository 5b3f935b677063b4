import { parseCommandLine } from "../../scripts/cli/args";

const run = (command: string, stack: string, yes = false) => ({
  kind: "run",
  request: { command, stack, yes },
});
const error = (message: string, usage = true) => ({ kind: "error", message, usage });

describe("parseCommandLine", () => {
  it("deploys dev when no stack is given", () => {
    expect(parseCommandLine(["up"])).toEqual(run("up", "dev"));
  });

  it.each([
    [["preview", "--stack", "prod"]],
    [["preview", "--stack=prod"]],
    [["preview", "-s", "prod"]],
  ])("reads the stack from %j", (argv) => {
    expect(parseCommandLine(argv)).toEqual(run("preview", "prod"));
  });

  it("accepts a qualified stack name for backends with organisations", () => {
    expect(parseCommandLine(["up", "-s", "acme/timemanager-monitoring/staging"])).toEqual(
      run("up", "acme/timemanager-monitoring/staging"),
    );
  });

  it("destroys dev without confirmation, another stack with --yes", () => {
    expect([
      parseCommandLine(["destroy"]),
      parseCommandLine(["destroy", "--stack", "prod", "--yes"]),
    ]).toEqual([run("destroy", "dev"), run("destroy", "prod", true)]);
  });

  it("refuses to destroy another stack than dev without --yes, saying how to confirm", () => {
    expect(parseCommandLine(["destroy", "--stack", "prod"])).toEqual(
      error(
        "destroy deletes every resource of stack prod; to go ahead: npm run destroy -- --stack prod --yes",
        false,
      ),
    );
  });

  it("answers --help with the usage, whatever else is given", () => {
    expect([parseCommandLine(["up", "--help"]), parseCommandLine(["up", "-h", "x"])]).toEqual([
      { kind: "help" },
      { kind: "help" },
    ]);
  });

  it.each([
    [["up", "--stak", "prod"], "unknown option --stak"],
    [["up", "-x"], "unknown option -x"],
    [["up", "--stack"], "--stack needs a stack name, e.g. --stack prod"],
    [["up", "--stack="], "--stack needs a stack name, e.g. --stack prod"],
    [["up", "-s", "a", "-s", "b"], "--stack given more than once"],
    [["up", "--yes"], "--yes applies to destroy only"],
    [["destroy", "--yes=no"], "--yes takes no value"],
    [[], "no command given"],
    [["deploy"], 'unknown command "deploy" (one of: up, preview, destroy)'],
    [
      ["up", "prod"],
      'unexpected argument "prod": options go after --, as in npm run up -- --stack prod',
    ],
    [
      ["up", "-s", "my stack"],
      '"my stack" is not a stack name: letters, digits, "-", "_" and "." (org/project/stack on a backend with organisations)',
    ],
  ])("refuses %j: %s", (argv, message) => {
    expect(parseCommandLine(argv)).toEqual(error(message));
  });
});
