import { containerName, hostUrl } from "../../../components/docker/container";
import { publishedUrl } from "../../../config/conventions";

const context = (bindAddress: string) => ({
  namePrefix: "timemanager",
  composeProject: "time-manager",
  bindAddress,
  protectData: false,
  monitoringNetwork: "timemanager-monitoring",
  appNetwork: "time-manager_default",
});

describe("hostUrl", () => {
  test.each([
    ["0.0.0.0", "http://localhost:3001/api/health"],
    ["127.0.0.1", "http://localhost:3001/api/health"],
    ["::", "http://localhost:3001/api/health"],
    ["192.0.2.7", "http://192.0.2.7:3001/api/health"],
    ["2001:db8::1", "http://[2001:db8::1]:3001/api/health"],
  ])("a port bound to %s is reached at %s", (address, url) => {
    expect(hostUrl(context(address), 3001, "/api/health")).toBe(url);
  });
});

describe("containerName", () => {
  test("is <prefix>-<service>", () => {
    expect(containerName(context("0.0.0.0"), "loki")).toBe("timemanager-loki");
  });
});

describe("the default grafanaUrl", () => {
  test("follows a bind address that is neither loopback nor all interfaces", () => {
    expect(publishedUrl("192.0.2.7", 3001)).toBe("http://192.0.2.7:3001");
  });
});
