import { CodedError, codedErrorGuard } from './coded-error';

class LedgerError extends CodedError<'LEDGER_CONFLICT' | 'LEDGER_GONE'> {
  override readonly name = 'LedgerError';
}
class OtherError extends CodedError<'LEDGER_CONFLICT'> {}
const isLedgerError = codedErrorGuard(LedgerError);

describe('CodedError', () => {
  it('keeps code, message, name and cause', () => {
    const cause = new Error('deadlock');
    const error = new LedgerError('LEDGER_CONFLICT', 'task t-1 changed meanwhile', { cause });
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code, error.message, error.cause]).toEqual(['LedgerError', 'LEDGER_CONFLICT', 'task t-1 changed meanwhile', cause]);
  });

  it('guards by class and, when asked, by code', () => {
    const error = new LedgerError('LEDGER_GONE', 'gone');
    expect(isLedgerError(error)).toBe(true);
    expect(isLedgerError(error, 'LEDGER_GONE')).toBe(true);
    expect(isLedgerError(error, 'LEDGER_CONFLICT')).toBe(false);
    expect(isLedgerError(new OtherError('LEDGER_CONFLICT', 'same code, other library'))).toBe(false);
    expect(isLedgerError({ code: 'LEDGER_GONE' })).toBe(false);
  });
});
