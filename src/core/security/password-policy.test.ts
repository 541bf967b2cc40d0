import { describe, expect, it } from 'vitest';
import { passwordProblems } from './password-policy.js';

describe('password policy', () => {
  it('accepts a long passphrase', () => {
    expect(passwordProblems('otter-lantern-gravel-91', 'alice')).toEqual([]);
  });
  it.each([
    ['short', 'too short', /at least 12/],
    ['password1234', 'common with digits', /common/],
    ['P@ssw0rd2024!', 'leet common', /common/],
    ['alice-the-analyst', 'holds the username', /username/],
    ['aaaaaaaaaaaaaa', 'one character', /few different/],
    ['abababababababab', 'repeated pattern', /few different|repeated/],
    ['qwertyuiop123', 'keyboard run', /common|sequence/],
    ['abcdefghijklmn', 'alphabet run', /sequence/],
  ])('refuses %s (%s)', (password, _why, problem) => {
    expect(passwordProblems(password, 'alice').join('; ')).toMatch(problem);
  });
});
