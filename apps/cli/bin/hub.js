#!/usr/bin/env node
// The `hub` bin: runs the TypeScript source with tsx (the repo has no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
