export { loadConfig, describeConfig, defaults, envName, configFile, configWarnings, ConfigError, type LoadOptions } from "./load.ts";
export { settings, type Setting, type Value } from "./table.ts";
export type { Config } from "./types.ts";
export { parseCron, cronMatches, nextRun, CronError, type CronSchedule } from "./cron.ts";
