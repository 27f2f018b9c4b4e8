export { researchJob } from './job';
export { researchBatch } from './batch';
export { researchAgent } from './agent';
