import { Global, Injectable, Module } from '@nestjs/common';

/** Work that must stop taking new items and finish (or release) what it holds before exit. */
export interface DrainHook {
  readonly name: string;
  drain(): Promise<void>;
}

/** Bus consumers and workers register here; the shutdown sequence drains them before closing. */
@Injectable()
export class ShutdownCoordinator {
  private readonly hooks: DrainHook[] = [];

  onDrain(hook: DrainHook): void {
    this.hooks.push(hook);
  }

  async drainAll(): Promise<PromiseSettledResult<void>[]> {
    return Promise.allSettled(this.hooks.map((h) => h.drain()));
  }
}

@Global()
@Module({ providers: [ShutdownCoordinator], exports: [ShutdownCoordinator] })
export class ShutdownModule {}
