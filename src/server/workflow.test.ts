import { describe, expect, it } from 'vitest';
import { AppError } from './errors';
import { checkStep, correctionOf, firstVersion, historyAfterCorrection, stamp, stepColumns, WORKFLOW_ACTIONS, workflowStamps, workflowSteps } from './workflow';

/** The AppError a call throws (fails when it throws nothing or something else). */
function thrown(f: () => unknown): AppError {
  try {
    f();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('nothing thrown');
}

describe('workflow steps', () => {
  const steps = workflowSteps('flows.count.write', 'flows.verify');

  it('goes draft → submitted → verified → published; the write permission submits, the verify one does the rest', () => {
    expect(WORKFLOW_ACTIONS).toEqual(['submit', 'verify', 'publish']);
    expect(steps).toEqual({
      submit: { from: 'draft', to: 'submitted', permission: 'flows.count.write' },
      verify: { from: 'submitted', to: 'verified', permission: 'flows.verify' },
      publish: { from: 'verified', to: 'published', permission: 'flows.verify' },
    });
  });

  it('refuses a step from any other status with 409, naming the record as the caller does', () => {
    expect(() => checkStep(steps.verify, 'submitted', { noun: 'round' })).not.toThrow();
    const e = thrown(() => checkStep(steps.verify, 'draft', { noun: 'count', version: 2 }));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe('Version 2 is draft; only a submitted count can be verified.');
    expect(e.coded).toEqual({ code: 'conflict.countVerify', params: { version: 2, status: 'draft' } });
    expect(e.fields).toEqual([{ path: 'status', code: 'status.is', params: { status: 'draft' }, message: 'Is draft.' }]);
    expect(thrown(() => checkStep(steps.submit, 'published', { noun: 'round' })).message).toBe('The round is published; only a draft round can be submitted.');
  });

  it('sets the new status with the who and when of that step only', () => {
    const now = new Date('2024-05-01T10:00:00.000Z');
    expect(stepColumns('submit', 'submitted', 'u1', now)).toEqual({ status: 'submitted', submittedAt: now, submittedBy: 'u1' });
    expect(stepColumns('verify', 'verified', 'u2', now)).toEqual({ status: 'verified', verifiedAt: now, verifiedBy: 'u2' });
    expect(stepColumns('publish', 'published', null, now)).toEqual({ status: 'published', publishedAt: now, publishedBy: null });
  });

  it('shows a step taken as {at, by} and one not taken as null', () => {
    const at = new Date('2024-05-01T10:00:00.000Z');
    expect(stamp(null, 'u1')).toBeNull();
    expect(workflowStamps({ submittedAt: at, submittedBy: 'u1', verifiedAt: at, verifiedBy: null, publishedAt: null, publishedBy: null })).toEqual({
      submitted: { at: '2024-05-01T10:00:00.000Z', by: 'u1' },
      verified: { at: '2024-05-01T10:00:00.000Z', by: null },
      published: null,
    });
  });
});

describe('versions', () => {
  const cur = { version: 3, bodyHash: 'h3' };

  it('a re-sent correction based on this version or an earlier one changes nothing', () => {
    expect(correctionOf(cur, 3, 'h3', 'count')).toBe('unchanged');
    expect(correctionOf(cur, 2, 'h3', 'count')).toBe('unchanged');
  });

  it('new figures on the current version make a new version; on another version, 409', () => {
    expect(correctionOf(cur, 3, 'h4', 'count')).toBe('new');
    const stale = thrown(() => correctionOf(cur, 2, 'h4', 'assessment'));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toBe('The assessment is at version 3, not 2: reload it and correct the current version.');
    expect(stale.fields).toEqual([{ path: 'body.baseVersion', code: 'version.current', params: { version: 3 }, message: 'Current version is 3.' }]);
    // Same figures but based on a version that does not exist yet is not a re-send.
    expect(thrown(() => correctionOf(cur, 4, 'h3', 'count')).message).toBe('The count is at version 3, not 4: reload it and correct the current version.');
  });

  it('keeps the history newest first with the replaced version no longer current', () => {
    const versions = [
      { version: 2, current: true, v: 'b' },
      { version: 1, current: false, v: 'a' },
    ];
    const added = { version: 3, current: true, v: 'c' };
    expect(historyAfterCorrection(added, versions, 2)).toEqual([added, { version: 2, current: false, v: 'b' }, { version: 1, current: false, v: 'a' }]);
    expect(versions[0].current).toBe(true); // the caller's rows are not changed
    expect(firstVersion(versions)).toBe(versions[1]);
  });
});
