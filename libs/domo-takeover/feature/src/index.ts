export * from './domo-takeover.service';
export * from './config/domo-takeover.config';
