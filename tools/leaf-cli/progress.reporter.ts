import { formatBar, formatDuration } from './output.format';

/** Where the CLI writes: stdout is the result (a table, CSV, JSON), stderr is progress and errors. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal: a bar redrawn in place there, plain lines anywhere else. */
  readonly errIsTty: boolean;
}

/**
 * Progress of something that runs for a while. On a terminal, one bar redrawn in place, with
 * other lines printed above it; elsewhere (a CI log, a file), one plain line per change of stage
 * or percentage, so a log shows how far it got and never fills with carriage returns.
 */
export class ProgressReporter {
  private drawn = false;
  private last = '';
  private fraction = 0;
  private stage = '';

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    private readonly now: () => number = Date.now,
    private readonly started = now(),
  ) {}

  update(fraction: number, stage: string): void {
    this.fraction = fraction;
    this.stage = stage;
    if (this.io.errIsTty) {
      this.draw();
      return;
    }
    const line = `${this.label} ${String(Math.floor(Math.min(Math.max(fraction, 0), 1) * 100)).padStart(3)}% ${stage}`;
    if (line !== this.last) this.io.err(`${line}\n`);
    this.last = line;
  }

  /** A line of its own (an event, a note), above the bar on a terminal. */
  line(text: string): void {
    this.clear();
    this.io.err(`${text}\n`);
    if (this.io.errIsTty && this.last !== '') this.draw();
  }

  /** Leaves the bar's last state on the screen, and the cursor on a fresh line. */
  done(): void {
    if (this.drawn) this.io.err('\n');
    this.drawn = false;
  }

  private draw(): void {
    this.last = `${this.label} ${formatBar(this.fraction)} ${this.stage} ${formatDuration(this.now() - this.started)}`;
    // \r then "erase line": the new state overwrites the old, however long each was.
    this.io.err(`\r\x1b[2K${this.last}`);
    this.drawn = true;
  }

  private clear(): void {
    if (this.drawn) this.io.err('\r\x1b[2K');
    this.drawn = false;
  }
}
