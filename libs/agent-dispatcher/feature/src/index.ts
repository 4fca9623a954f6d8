export * from './agent-dispatcher.service';
export * from './agent-dispatcher.config';
export * from './runtime/dispatcher.runtime';
