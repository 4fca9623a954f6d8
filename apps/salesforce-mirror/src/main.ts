import 'reflect-metadata';
import { salesforceMirrorService } from '@leaf/salesforce-mirror/feature';
import { runService } from '@leaf/platform';

// One container, one service: the same definition the local stack starts in-process.
void runService(salesforceMirrorService);
