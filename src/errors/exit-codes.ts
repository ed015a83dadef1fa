// Exit codes (DESIGN §8). Only src/cli/main.ts sets process.exitCode from these.
export const EXIT = {
  ok: 0,
  thresholdsFailed: 1,
  usage: 2,
  environment: 3,
  aborted: 4,
  internal: 70,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
