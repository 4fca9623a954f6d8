export * from './contract-packets.service';
