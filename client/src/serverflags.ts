/**
 * Node flags of the language server process started by the VS Code client (issue 19, server memory).
 *
 * `--max-semi-space-size=4` (MB; Node 20's default is 16 on 64-bit): the server makes much short-lived
 * garbage per keystroke (a syntax model and an analysis of the file), and V8 grows the young generation
 * to 2 x 16 MB, in the main thread and in the hcl2json worker. Measured on this machine (2026-11-30,
 * load average 1-1.5; `LPG_SOAK_KEYS=1200 npx tsx scripts/bench/typing.ts soak 5` and the monorepo
 * Scan Workspace): default 320-343 MB after 1,200 keystrokes, 205-207 MB after the scan; 4 MB: 284 MB
 * and 182-185 MB; 2 MB: 271 MB but 237-244 MB after the scan (more objects promoted to the old space).
 * CPU per keystroke unchanged (`npx tsx scripts/bench/inproc.ts 300`: p50 6.6 ms either way).
 * `lpg lsp` runs in the CLI's process, whose flags are set at its start: NODE_OPTIONS (README).
 */
export const SERVER_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=4'];
