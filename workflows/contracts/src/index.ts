export * from './agent';
export * from './limits';
export * from './names';
export * from './session';
export * from './messages';
export * from './mcp';
export * from './tasks';
export * from './research';
