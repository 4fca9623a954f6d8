export * from './domo-takeover.service';
