export * from './port/message';
export * from './port/settlement';
export * from './port/message-bus.port';
export * from './port/messaging.error';
