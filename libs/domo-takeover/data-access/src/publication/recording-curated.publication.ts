import type { CuratedPublication } from './curated-publication.port';

/**
 * TEST ONLY: the publication port's fake. Records every model published (and can be told to fail
 * the next publication), so a spec can check when the service publishes without a SQL Server.
 */
export class RecordingCuratedPublication implements CuratedPublication {
  readonly target = 'postgres' as const;
  readonly published: string[] = [];
  private failure: Error | undefined;

  failNext(error: Error): void {
    this.failure = error;
  }

  async publish(model: string): Promise<{ rows: number }> {
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
    this.published.push(model);
    return { rows: 0 };
  }
}
