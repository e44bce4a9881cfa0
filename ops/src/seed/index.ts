export * from './demo-data';
export * from './seed';
export * from './demo-orders';
export * from './orders';
export { seedDemoBorrowing, DEMO_BORROWING } from './care';
