/**
 * `npm run up | preview | destroy [-- --stack <name>]`: the command-line program's entry point.
 * It only connects the program (run.ts) to this process and to the Automation API
 * (automation.ts); `npm run up -- --help` lists what it does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { automationEngine } from "./automation";
import { pingDocker } from "./docker";
import { type Io, runCli } from "./run";

const root = path.resolve(__dirname, "..", "..");

/** Node's types say boolean, but a stream that is no terminal has no isTTY at all. */
const isTerminal = (stream: { readonly isTTY?: boolean }) => stream.isTTY === true;

const io: Io = {
  root,
  env: process.env,
  platform: process.platform,
  tty: isTerminal(process.stdout),
  interactive: isTerminal(process.stdin),
  columns: () => (isTerminal(process.stdout) ? process.stdout.columns : 80),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readFile: (file) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined),
  makeDir: (dir) => fs.mkdirSync(dir, { recursive: true }),
  ping: (probe) => pingDocker(probe),
  nowMs: () => Date.now(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    return () => {
      clearInterval(timer);
    };
  },
  onInterrupt: (handler) => {
    process.on("SIGINT", handler);
    return () => process.off("SIGINT", handler);
  },
  exit: (code) => process.exit(code),
};

runCli(process.argv.slice(2), io, automationEngine(root)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
