export * from './contract-packets.service';
export * from './config/contract-packets.config';
