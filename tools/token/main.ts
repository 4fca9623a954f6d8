import { mintFromArgs, tokenUsage, UsageError } from './token.cli';

mintFromArgs(process.argv.slice(2)).then(
  (token) => process.stdout.write(`${token}\n`),
  (e: unknown) => {
    process.stderr.write(`${e instanceof UsageError ? `${e.message}\n\n${tokenUsage}` : String(e)}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
