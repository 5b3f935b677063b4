import { renderAlloyConfig } from "../../../components/observability/logs/alloy";
import { type ProgramRun, runProgram } from "../../helpers/program";

const CONTAINER = "docker:index/container:Container";

const byName = (run: ProgramRun) =>
  new Map(run.resources.map((r) => [`${r.type} ${r.name}`, r.inputs] as const));

describe("logShipper: alloy", () => {
  let promtail: ProgramRun;
  let alloy: ProgramRun;
  beforeAll(async () => {
    promtail = await runProgram("dev", {});
    alloy = await runProgram("dev", { logShipper: "alloy" });
  });

  test("runs Alloy with the same contract as Promtail: socket read-only, state on a volume", () => {
    const container = alloy.resources.find(
      (r) => r.type === CONTAINER && r.name === "alloy-container",
    );
    expect(container?.inputs).toEqual({
      name: "timemanager-alloy",
      image: "grafana/alloy:v1.20.1",
      restart: "unless-stopped",
      memory: 256,
      memorySwap: 256,
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "3" },
      securityOpts: ["no-new-privileges:true"],
      labels: [
        { label: "com.docker.compose.project", value: "timemanager-monitoring" },
        { label: "com.docker.compose.service", value: "alloy" },
      ],
      networksAdvanced: [{ name: "timemanager-monitoring", aliases: ["alloy", "log-shipper"] }],
      ports: [],
      uploads: [
        {
          file: "/etc/alloy/config.alloy",
          content: renderAlloyConfig({ lokiPushUrl: "http://loki:3100/loki/api/v1/push" }),
        },
      ],
      mounts: [
        { type: "volume", source: "timemanager_alloy_data", target: "/var/lib/alloy/data" },
        {
          type: "bind",
          source: "/var/run/docker.sock",
          target: "/var/run/docker.sock",
          readOnly: true,
        },
      ],
      command: [
        "run",
        "/etc/alloy/config.alloy",
        "--storage.path=/var/lib/alloy/data",
        "--server.http.listen-addr=0.0.0.0:9080",
        "--disable-reporting",
      ],
      healthcheck: {
        tests: [
          "CMD",
          "bash",
          "-c",
          "exec 3<>/dev/tcp/127.0.0.1/9080 && printf 'GET /-/ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3",
        ],
        interval: "15s",
        timeout: "5s",
        retries: 5,
        startPeriod: "10s",
      },
      wait: true,
      waitTimeout: 180,
    });
  });

  test("switching from promtail replaces only the shipper's resources", () => {
    const before = byName(promtail);
    const after = byName(alloy);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (key) => JSON.stringify(before.get(key)) !== JSON.stringify(after.get(key)),
    );
    expect(changed.sort()).toEqual(
      [
        "timemanager:monitoring:Promtail promtail",
        "docker:index/remoteImage:RemoteImage promtail-container-image",
        "docker:index/volume:Volume promtail-data",
        `${CONTAINER} promtail-container`,
        "timemanager:monitoring:Alloy alloy",
        "docker:index/remoteImage:RemoteImage alloy-container-image",
        "docker:index/volume:Volume alloy-data",
        `${CONTAINER} alloy-container`,
      ].sort(),
    );
  });

  test("the outputs name the shipper's container under the same key", () => {
    expect(alloy.outputs.containerNames).toMatchObject({ logShipper: "timemanager-alloy" });
    expect(promtail.outputs.containerNames).toMatchObject({ logShipper: "timemanager-promtail" });
  });
});
