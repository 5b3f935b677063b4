import { DEV_VALUES, invalid, parse, PROJECT, rejection } from "./values";

const OBJECTIVE = "a percentage strictly between 0 and 100, e.g. 99.9";
const BOUNDARY =
  "one of the backend histogram's bucket boundaries, in seconds: 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5";
const WINDOW = "a whole number of days from 1 to 365";

const refused = (key: string, got: string, allowed: string): string =>
  `${PROJECT}:${key}: got ${got}; allowed: ${allowed}`;

describe("parseValues: service level objectives", () => {
  it("gives a stack with no SLO settings 99.5 % available, 99 % within 1 s, over 30 days", () => {
    // Given an empty config
    const settings = {};

    // When it is parsed
    const values = parse(settings);

    // Then the SLO keys have their defaults
    expect([
      values.sloAvailabilityObjective,
      values.sloLatencyObjective,
      values.sloLatencyThresholdSeconds,
      values.sloWindowDays,
    ]).toEqual([99.5, 99, 1, 30]);
  });

  it("reads decimals given as strings, a boundary written with a trailing zero included", () => {
    // Given every SLO key as Pulumi hands it over
    const settings = {
      sloAvailabilityObjective: "99.95",
      sloLatencyObjective: "97.5",
      sloLatencyThresholdSeconds: "0.250",
      sloWindowDays: "7",
    };

    // When they are parsed
    const values = parse(settings);

    // Then they are numbers, and nothing else changes
    expect(values).toEqual({
      ...DEV_VALUES,
      sloAvailabilityObjective: 99.95,
      sloLatencyObjective: 97.5,
      sloLatencyThresholdSeconds: 0.25,
      sloWindowDays: 7,
    });
  });

  it("accepts the smallest window, a day, and objectives close to the bounds", () => {
    // Given the extremes that are still allowed
    const settings = {
      sloAvailabilityObjective: "99.999",
      sloLatencyObjective: "0.1",
      sloLatencyThresholdSeconds: "5",
      sloWindowDays: "1",
    };

    // When they are parsed
    const values = parse(settings);

    // Then each is kept
    expect([
      values.sloAvailabilityObjective,
      values.sloLatencyObjective,
      values.sloLatencyThresholdSeconds,
      values.sloWindowDays,
    ]).toEqual([99.999, 0.1, 5, 1]);
  });

  it.each([
    ["100", "100"],
    ["0", "0"],
    ["-1", "-1"],
    ["100.5", "100.5"],
    ["99,5", '"99,5"'],
    ["1e2", '"1e2"'],
    ["ninety", '"ninety"'],
  ])("refuses availability objective %s, naming the key", (value, shown) => {
    // Given an objective outside (0, 100), or not a plain decimal
    const settings = { sloAvailabilityObjective: value };

    // When it is parsed
    const { message } = rejection(settings);

    // Then the one error names the key, the value and what is allowed
    expect(message).toBe(invalid(refused("sloAvailabilityObjective", shown, OBJECTIVE)));
  });

  it("refuses a latency objective of 100: no request could ever be slow", () => {
    // Given a latency objective of 100 %
    const settings = { sloLatencyObjective: "100" };

    // When it is parsed
    const { message } = rejection(settings);

    // Then it is refused, naming the key
    expect(message).toBe(invalid(refused("sloLatencyObjective", "100", OBJECTIVE)));
  });

  it.each([
    ["2", "2"],
    ["0.3", "0.3"],
    ["10", "10"],
    ["0", "0"],
    ["1s", '"1s"'],
  ])("refuses latency threshold %s, listing the bucket boundaries", (value, shown) => {
    // Given a threshold that is not a boundary of the backend's histogram
    const settings = { sloLatencyThresholdSeconds: value };

    // When it is parsed
    const { message } = rejection(settings);

    // Then the error lists the boundaries allowed
    expect(message).toBe(invalid(refused("sloLatencyThresholdSeconds", shown, BOUNDARY)));
  });

  it.each([
    ["0", "0"],
    ["1.5", '"1.5"'],
    ["366", "366"],
  ])("refuses an SLO window of %s days", (value, shown) => {
    // Given a window under a day, of part of a day, or over a year
    const settings = { sloWindowDays: value };

    // When it is parsed
    const { message } = rejection(settings);

    // Then it is refused, naming the key
    expect(message).toBe(invalid(refused("sloWindowDays", shown, WINDOW)));
  });

  it("lists every bad SLO key in one error", () => {
    // Given all four keys wrong
    const settings = {
      sloAvailabilityObjective: "100",
      sloLatencyObjective: "0",
      sloLatencyThresholdSeconds: "0.75",
      sloWindowDays: "0",
    };

    // When it is parsed
    const { message } = rejection(settings);

    // Then each has its line, in the order given
    expect(message).toBe(
      invalid(
        refused("sloAvailabilityObjective", "100", OBJECTIVE),
        refused("sloLatencyObjective", "0", OBJECTIVE),
        refused("sloLatencyThresholdSeconds", "0.75", BOUNDARY),
        refused("sloWindowDays", "0", WINDOW),
      ),
    );
  });

  it("applies on Kubernetes as on Docker", () => {
    // Given a Kubernetes stack with its own objectives
    const settings = {
      platform: "kubernetes",
      grafanaUrl: "http://localhost:3000",
      sloAvailabilityObjective: "99.9",
      sloWindowDays: "28",
    };

    // When it is parsed
    const values = parse(settings);

    // Then the objectives are kept, not refused as another platform's settings
    expect([values.sloAvailabilityObjective, values.sloWindowDays]).toEqual([99.9, 28]);
  });
});
