export * from './lane-worker.service';
