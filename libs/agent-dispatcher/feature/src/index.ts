export * from './agent-dispatcher.service';
