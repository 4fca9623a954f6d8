import { runBenchCli } from './bench.cli';
import { benchSuites } from './suites/bench-suites';

void runBenchCli(process.argv.slice(2), benchSuites, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((status) => {
  process.exitCode = status;
});
