import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/** Wakes the progress streams of one task when something about it arrives (a bus event, a local change). */
@Injectable()
export class TaskNotifier {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  notify(taskId: string): void {
    this.emitter.emit(taskId);
  }

  /** Resolves on the next notification for the task or after `ms`, whichever comes first. */
  wait(taskId: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(taskId, done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.emitter.once(taskId, done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
