export * from './demo-data';
export * from './seed';
export * from './demo-orders';
export * from './orders';
