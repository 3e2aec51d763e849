import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideWrite, sha256 } from '../../generators/lib/writer.js';

describe('decideWrite', () => {
  const old = 'generated v1\n';
  const next = 'generated v2\n';
  it('creates missing files', () => assert.equal(decideWrite(undefined, next, undefined, false), 'create'));
  it('leaves identical files alone', () => assert.equal(decideWrite(next, next, sha256(old), false), 'identical'));
  it('updates a file the user did not touch', () => assert.equal(decideWrite(old, next, sha256(old), false), 'update'));
  it('keeps a file the user edited', () => assert.equal(decideWrite('edited\n', next, sha256(old), false), 'keep'));
  it('keeps a file it never wrote', () => assert.equal(decideWrite('theirs\n', next, undefined, false), 'keep'));
  it('replaces edited files only with force', () => assert.equal(decideWrite('edited\n', next, sha256(old), true), 'force'));
});
