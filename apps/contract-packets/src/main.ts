import 'reflect-metadata';
import { contractPacketsService } from '@leaf/contract-packets/feature';
import { runService } from '@leaf/platform';

// One container, one service: the same definition the local stack starts in-process.
void runService(contractPacketsService);
