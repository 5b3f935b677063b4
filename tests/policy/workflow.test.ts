import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** The parts of a GitHub Actions workflow this test reads. */
interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly if?: string;
  readonly "runs-on"?: string;
  readonly strategy?: { readonly matrix?: Record<string, unknown> };
  readonly steps?: Step[];
}
interface Workflow {
  readonly on?: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly jobs?: Record<string, Job>;
}

const FILE = path.join(__dirname, "..", "..", ".github", "workflows", "pulumi.yml");
const text = fs.readFileSync(FILE, "utf8");
// `on` is a plain key in YAML 1.2 (yaml's default), not the boolean true of YAML 1.1.
const workflow = parse(text) as Workflow;
const jobs = workflow.jobs ?? {};

function step(job: Job, predicate: (s: Step) => boolean, what: string): Step {
  const found = (job.steps ?? []).find(predicate);
  if (found === undefined) throw new Error(`no step ${what}`);
  return found;
}
const pulumiStep = (job: Job) =>
  step(job, (s) => s.uses?.startsWith("pulumi/actions@") === true, "using pulumi/actions");
const stepIndex = (job: Job, s: Step) => (job.steps ?? []).indexOf(s);

describe(".github/workflows/pulumi.yml", () => {
  it("runs on pull requests and on pushes to main only", () => {
    expect(workflow.on).toEqual({ pull_request: null, push: { branches: ["main"] } });
  });

  it("can read the code and comment on pull requests, nothing more", () => {
    expect(workflow.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });

  it("takes the passphrase from the repository's secrets", () => {
    expect(workflow.env).toEqual({
      PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    });
  });

  it("has a preview job for pull requests and an up job for main", () => {
    expect(Object.keys(jobs).sort()).toEqual(["preview", "up-dev"]);
    expect(jobs.preview.if).toBe("github.event_name == 'pull_request'");
    expect(jobs["up-dev"].if).toBe(
      "github.event_name == 'push' && github.ref == 'refs/heads/main'",
    );
  });

  it("previews both committed stacks", () => {
    expect(jobs.preview.strategy?.matrix).toEqual({ stack: ["dev", "prod"] });
    for (const stack of ["dev", "prod"])
      expect(fs.existsSync(path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`))).toBe(true);
  });

  it.each(["preview", "up-dev"])(
    "%s: checks out, sets up Node from .nvmrc, runs npm ci, then Pulumi",
    (name) => {
      const job = jobs[name];
      const checkout = step(
        job,
        (s) => s.uses?.startsWith("actions/checkout@") === true,
        "checkout",
      );
      const node = step(
        job,
        (s) => s.uses?.startsWith("actions/setup-node@") === true,
        "setup-node",
      );
      const ci = step(job, (s) => s.run?.trim() === "npm ci", "running npm ci");
      expect(node.with?.["node-version-file"]).toBe(".nvmrc");
      expect(node.with).not.toHaveProperty("node-version");
      expect(fs.readFileSync(path.join(__dirname, "..", "..", ".nvmrc"), "utf8").trim()).toBe("24");
      const order = [checkout, node, ci, pulumiStep(job)].map((s) => stepIndex(job, s));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    },
  );

  it("preview: runs pulumi/actions v7 with the diff, the policy pack and a PR comment", () => {
    const s = pulumiStep(jobs.preview);
    expect(s.uses).toBe("pulumi/actions@v7");
    expect(s.with).toEqual({
      command: "preview",
      "stack-name": "${{ matrix.stack }}",
      "work-dir": "./",
      "cloud-url": "${{ secrets.PULUMI_BACKEND_URL }}",
      diff: true,
      policyPacks: "policy",
      "comment-on-pr": true,
      "github-token": "${{ secrets.GITHUB_TOKEN }}",
    });
  });

  it("up-dev: updates dev only, with the policy pack", () => {
    const s = pulumiStep(jobs["up-dev"]);
    expect(s.uses).toBe("pulumi/actions@v7");
    expect(s.with).toMatchObject({
      command: "up",
      "stack-name": "dev",
      "cloud-url": "${{ secrets.PULUMI_BACKEND_URL }}",
      policyPacks: "policy",
    });
  });

  it("points the policy pack and work dir at directories that hold them", () => {
    const root = path.join(__dirname, "..", "..");
    for (const job of Object.values(jobs)) {
      const w = pulumiStep(job).with ?? {};
      expect(fs.existsSync(path.join(root, String(w["work-dir"]), "Pulumi.yaml"))).toBe(true);
      expect(fs.existsSync(path.join(root, String(w.policyPacks), "PulumiPolicy.yaml"))).toBe(true);
    }
  });

  it("uses no secret but the backend URL, the passphrase and the GitHub token", () => {
    const secrets = new Set([...text.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]));
    expect([...secrets].sort()).toEqual([
      "GITHUB_TOKEN",
      "PULUMI_BACKEND_URL",
      "PULUMI_CONFIG_PASSPHRASE",
    ]);
  });

  it("pins every action to a major version", () => {
    const uses = Object.values(jobs).flatMap((j) =>
      (j.steps ?? []).map((s) => s.uses).filter(Boolean),
    );
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
  });
});
