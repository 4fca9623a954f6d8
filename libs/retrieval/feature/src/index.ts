export * from './retrieval.service';
export * from './config/retrieval.config';
