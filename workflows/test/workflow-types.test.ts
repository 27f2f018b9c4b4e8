/** `WORKFLOW_TYPES` is the one list of workflow types: exactly the workflow functions the worker registers. */
import { describe, expect, it } from 'vitest';
import { WORKFLOW_TYPES } from '@hub/contracts';
import * as workflows from '../src';

describe('workflow types', () => {
  it('name every exported workflow function, and nothing else', () => {
    expect(Object.values(WORKFLOW_TYPES).sort()).toEqual(Object.keys(workflows).sort());
    for (const name of Object.values(WORKFLOW_TYPES)) expect(workflows[name].name).toBe(name);
  });
});
