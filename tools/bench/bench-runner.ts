import { ratioOf, type BenchSuite, type BenchSuiteArgs, type BenchSuiteResult } from './bench-case';

/** Runs every case of a suite in order; teardown runs even when setup or a case fails. */
export async function runSuite(suite: BenchSuite, args: BenchSuiteArgs): Promise<BenchSuiteResult> {
  const context = await suite.setup(args);
  try {
    const cases = [];
    for (const benchCase of suite.cases) {
      args.log(`${suite.name}/${benchCase.name} ...`);
      const { value, reference } = await benchCase.measure(context);
      cases.push({
        name: benchCase.name,
        value,
        unit: benchCase.unit,
        reference,
        ratio: ratioOf(benchCase.kind, value, reference.value),
      });
    }
    return { suite: suite.name, cases };
  } finally {
    await suite.teardown(context);
  }
}
