import { downloadName } from './download-name';

describe('downloadName', () => {
  const run = {
    clientId: 'northfield-tech',
    periodId: 'northfield-tech-py2025',
    runId: 'rec_01jd5z8k3m4n5p6q7r8s9t0v1w',
  };

  it('names the report by client, period and run, the period not repeating the client', () => {
    expect(downloadName(run, 'reconciliation.pdf')).toBe('reconciliation-northfield-tech-py2025-rec_01jd5z8k3m4n5p6q7r8s9t0v1w.pdf');
    expect(downloadName(run, 'reconciliation.xlsx')).toBe('reconciliation-northfield-tech-py2025-rec_01jd5z8k3m4n5p6q7r8s9t0v1w.xlsx');
  });

  it('keeps any other artifact name after the run', () => {
    expect(downloadName(run, 'run-inputs.json')).toBe('reconciliation-northfield-tech-py2025-rec_01jd5z8k3m4n5p6q7r8s9t0v1w-run-inputs.json');
    expect(downloadName(run, 'findings.csv')).toBe('reconciliation-northfield-tech-py2025-rec_01jd5z8k3m4n5p6q7r8s9t0v1w-findings.csv');
  });

  it('keeps a period that only starts like the client, and makes every part safe for a quoted header', () => {
    expect(downloadName({ clientId: 'acme', periodId: 'cp-2025', runId: 'rec_x' }, 'reconciliation.pdf')).toBe('reconciliation-acme-cp-2025-rec_x.pdf');
    const name = downloadName({ clientId: 'a"b', periodId: '2025 H1/"x"', runId: 'rec_y' }, 'evil"; filename=x.exe');
    expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(name.startsWith('reconciliation-a-b-2025-H1-x-rec_y-')).toBe(true);
  });
});
