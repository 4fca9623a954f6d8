import { isSyntheticDataError } from '@leaf/synthetic-data';
import { DataGenArgsError, dataGenUsage, parseDataGenArgs } from './data-gen.args';
import { runDataGen } from './data-gen.command';

async function main(): Promise<number> {
  let command;
  try {
    command = parseDataGenArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof DataGenArgsError)) throw error;
    process.stderr.write(`data:generate: ${error.message}\n\n${dataGenUsage}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${dataGenUsage}\n`);
    return 0;
  }
  try {
    const { lines } = await runDataGen(command);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    const code = isSyntheticDataError(error) ? ` [${error.code}]` : '';
    process.stderr.write(`data:generate failed${code}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

void main().then((status) => {
  process.exitCode = status;
});
