import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { prometheusRule } from "../../../../components/kubernetes/operator";
import { PATHS } from "../../../../components/observability/names";
import { renderPrometheusConfig } from "../../../../components/observability/prometheus/config";
import {
  ALERTING_RULES,
  RECORDED,
  RECORDING_RULES,
  renderRules,
  sloRecordingRules,
} from "../../../../components/observability/prometheus/rules";
import { describeWithTool, runTool } from "../../../helpers/tools";
import { DEFAULT_SLO } from "../../../../config";

const TARGETS = {
  backendTarget: "backend:8080",
  traefikTarget: "traefik:8082",
  logShipperTarget: "log-shipper:9080",
};

const RULE_COUNT =
  RECORDING_RULES.length + ALERTING_RULES.length + sloRecordingRules(DEFAULT_SLO).length;

interface RulesFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[];
}

/** The rules file with one rule's expr replaced. */
function withExpr(rules: string, record: string, expr: string): string {
  const file = parse(rules) as RulesFile;
  const rule = file.groups.flatMap((g) => g.rules).find((r) => r.record === record);
  if (rule === undefined) throw new Error(`no recording rule ${record} in the rendered rules`);
  rule.expr = expr;
  return stringify(file);
}

describeWithTool("promtool", (promtool) => {
  let root: string;
  // The container paths under a temp root: rule_files is relative to the config's directory.
  const inRoot = (containerPath: string): string => path.join(root, containerPath);

  function layOut(rules: string): void {
    for (const [file, text] of [
      [PATHS.prometheusConfig, renderPrometheusConfig(TARGETS)],
      [PATHS.prometheusRules, rules],
    ] as const) {
      fs.mkdirSync(path.dirname(inRoot(file)), { recursive: true });
      fs.writeFileSync(inRoot(file), text);
    }
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "promtool-check-"));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("accepts prometheus.yml and the rules file it references, as uploaded", () => {
    // Given the rendered config and rules laid out as in the container
    layOut(renderRules({ slo: DEFAULT_SLO }));

    // When promtool checks the config
    const run = runTool(promtool, ["check", "config", inRoot(PATHS.prometheusConfig)]);

    // Then it passes, and it found and checked every rule through rule_files
    expect({ status: run.status, output: run.output }).toEqual({
      status: 0,
      output: expect.stringContaining(`SUCCESS: ${RULE_COUNT} rules found`) as unknown,
    });
  });

  it("accepts the rules file on its own", () => {
    // Given the rendered rules file
    layOut(renderRules({ slo: DEFAULT_SLO }));

    // When promtool checks it
    const run = runTool(promtool, ["check", "rules", inRoot(PATHS.prometheusRules)]);

    // Then it passes with every rule counted
    expect({ status: run.status, output: run.output }).toEqual({
      status: 0,
      output: expect.stringContaining(`SUCCESS: ${RULE_COUNT} rules found`) as unknown,
    });
  });

  describe("the PrometheusRule's groups, as the Operator hands them to Prometheus", () => {
    const groups = (): string =>
      stringify({
        groups: prometheusRule({ name: "timemanager", namespace: "monitoring", slo: DEFAULT_SLO })
          .spec.groups,
      });

    it("pass check rules with every rule counted", () => {
      // Given the PrometheusRule's spec.groups written as a rules file
      layOut(groups());

      // When promtool checks it
      const run = runTool(promtool, ["check", "rules", inRoot(PATHS.prometheusRules)]);

      // Then it passes with every rule of the program
      expect({ status: run.status, output: run.output }).toEqual({
        status: 0,
        output: expect.stringContaining(`SUCCESS: ${RULE_COUNT} rules found`) as unknown,
      });
    });

    it("fail check rules, naming the rule, when one expr is broken", () => {
      // Given the same groups with the error ratio's closing parenthesis dropped
      layOut(
        withExpr(groups(), RECORDED.errorRatio, "sum by (job) (rate(http_requests_total[5m])"),
      );

      // When promtool checks them
      const run = runTool(promtool, ["check", "rules", inRoot(PATHS.prometheusRules)]);

      // Then it fails on that rule
      expect({ status: run.status, stderr: run.stderr }).toEqual({
        status: 1,
        stderr: expect.stringContaining(`"${RECORDED.errorRatio}": could not parse`) as unknown,
      });
    });
  });

  describe("when one rule's expr is not valid PromQL", () => {
    // The error ratio with its closing parenthesis dropped.
    const broken = withExpr(
      renderRules({ slo: DEFAULT_SLO }),
      RECORDED.errorRatio,
      'sum by (job) (rate(http_requests_total{status=~"5.."}[5m])',
    );

    it("check rules fails and names the rule", () => {
      // Given the rules file with the broken expr
      layOut(broken);

      // When promtool checks it
      const run = runTool(promtool, ["check", "rules", inRoot(PATHS.prometheusRules)]);

      // Then it fails, naming the rule and the parse error
      expect({ status: run.status, stderr: run.stderr }).toEqual({
        status: 1,
        stderr: expect.stringContaining(
          `"${RECORDED.errorRatio}": could not parse expression`,
        ) as unknown,
      });
    });

    it("check config fails too, because it checks the rules it references", () => {
      // Given the config next to the broken rules file
      layOut(broken);

      // When promtool checks the config
      const run = runTool(promtool, ["check", "config", inRoot(PATHS.prometheusConfig)]);

      // Then it fails on the rule
      expect({ status: run.status, stderr: run.stderr }).toEqual({
        status: 1,
        stderr: expect.stringContaining(`"${RECORDED.errorRatio}": could not parse`) as unknown,
      });
    });
  });
});
