import { runLeafCli } from './leaf-cli';

// A reader that goes away (`… | head`) is not an error of the CLI's.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

runLeafCli(process.argv.slice(2), {
  env: process.env,
  io: {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    errIsTty: process.stderr.isTTY === true,
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  // runLeafCli reports every failure itself; this is for a failure of the reporting.
  () => {
    process.stderr.write('error INTERNAL: the CLI failed unexpectedly\n');
    process.exitCode = 1;
  },
);
