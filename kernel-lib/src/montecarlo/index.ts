export * from './stats';
export * from './montecarlo';
