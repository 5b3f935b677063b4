import { parse } from "yaml";
import { renderLokiConfig } from "../../../components/observability/loki/config";
import { renderPromtailConfig } from "../../../components/observability/logs/promtail";
import { renderTempoConfig } from "../../../components/observability/tempo/config";
import { type ProgramRun, runProgram } from "../../helpers/program";

/** Every value under a key ending in path/directory/dir/filename, with its dotted key. */
function pathSettings(value: unknown, at = ""): [string, string][] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const key = at ? `${at}.${k}` : k;
    if (typeof v === "string" && /(path|directory|dir|filename|path_prefix)$/.test(k))
      return [[key, v] as [string, string]];
    return pathSettings(v, key);
  });
}

/** Where each container mounts its data volume, as the program registers it. */
function volumeMount(run: ProgramRun, container: string): string {
  const mounts = run.resources.find((r) => r.name === container)?.inputs.mounts as {
    type: string;
    target: string;
  }[];
  const volumes = mounts.filter((m) => m.type === "volume");
  expect(volumes).toHaveLength(1);
  return volumes[0].target;
}

describe("every path a service writes lies on its data volume", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram("dev", {});
  });

  test.each([
    ["loki-container", renderLokiConfig({ retentionDays: 7 }), 4],
    [
      "tempo-container",
      renderTempoConfig({
        retentionDays: 7,
        prometheusRemoteWriteUrl: "http://prometheus:9090/api/v1/write",
      }),
      6,
    ],
    [
      "promtail-container",
      renderPromtailConfig({ lokiPushUrl: "http://loki:3100/loki/api/v1/push" }),
      1,
    ],
  ])("%s", (container, rendered, count) => {
    const volume = volumeMount(run, container);
    const paths = pathSettings(parse(rendered));
    expect(paths).toHaveLength(count);
    expect(paths.filter(([, p]) => p !== volume && !p.startsWith(`${volume}/`))).toEqual([]);
  });
});
