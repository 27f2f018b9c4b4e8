import { describe, expect, it } from 'vitest';
import { DEFAULT_TASK_QUEUE, apiStatusOf, formatIssues, issuePath } from '../src';

describe('common wire helpers', () => {
  it('name the one task queue', () => {
    expect(DEFAULT_TASK_QUEUE).toBe('agent-hub');
  });

  it('render issue paths with dots and brackets', () => {
    expect(issuePath([])).toBe('(root)');
    expect(issuePath(['a', 'b', 0, 'c'])).toBe('a.b[0].c');
    expect(issuePath([0, 'x'])).toBe('[0].x');
    expect(issuePath(['m', 1, 2])).toBe('m[1][2]');
  });

  it('put issues in one line, naming the root as asked', () => {
    const issues = [
      { path: ['a', 'b', 0], message: 'bad' },
      { path: [], message: 'whole' },
      { path: ['c'], message: 'missing' },
    ];
    expect(formatIssues(issues)).toBe('a.b[0]: bad; (root): whole; c: missing');
    expect(formatIssues(issues, 'body')).toBe('a.b[0]: bad; body: whole; c: missing');
    expect(formatIssues(issues, '')).toBe('a.b[0]: bad; whole; c: missing');
    expect(formatIssues([])).toBe('');
  });

  it('map Temporal statuses to what the API reports, per kind', () => {
    expect(apiStatusOf('session', 'RUNNING')).toBe('running');
    expect(apiStatusOf('session', 'COMPLETED')).toBe('closed');
    expect(apiStatusOf('session', 'CONTINUED_AS_NEW')).toBe('continued_as_new');
    expect(apiStatusOf('research', 'COMPLETED')).toBe('finished');
    expect(apiStatusOf('research', 'CONTINUED_AS_NEW')).toBe('unknown');
    expect(apiStatusOf('task', 'COMPLETED')).toBe('finished');
    for (const kind of ['session', 'research', 'task'] as const) {
      expect(apiStatusOf(kind, 'FAILED')).toBe('failed');
      expect(apiStatusOf(kind, 'CANCELLED')).toBe('cancelled');
      expect(apiStatusOf(kind, 'TERMINATED')).toBe('terminated');
      expect(apiStatusOf(kind, 'TIMED_OUT')).toBe('timed_out');
      expect(apiStatusOf(kind, 'PAUSED')).toBe('unknown');
      expect(apiStatusOf(kind, 'toString')).toBe('unknown');
    }
    // a research job's own final status maps the same way (the web app shows it in the list)
    expect(apiStatusOf('research', 'completed')).toBe('finished');
    expect(apiStatusOf('research', 'cancelled')).toBe('cancelled');
  });
});
