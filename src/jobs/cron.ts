// The scheduler reads cron expressions with the same parser the config table checks them with
// (config/cron.ts, public through config/index.ts), so `updns check` and `updns serve` cannot disagree about an expression.
export { parseCron, cronMatches, nextRun, CronError, type CronSchedule } from "../config/index.ts";
