import { main } from './main.ts';

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // biome-ignore lint/style/noProcessEnv: the process boundary hands the environment to config.ts, its only reader.
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
