import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { appendAudit, listAudit, verifyAudit } from '../../src/security/audit.js';
import { addUser, findUser, listUsers, LOCKOUT, resetPassword, setDisabled, signIn } from '../../src/security/users.js';
import { createSession, resumeSession, SESSION_LIMITS } from '../../src/security/sessions.js';
import { TEST_PASSWORD } from '../support/http.js';
import { DEMO_USERNAME, ensureDemoAccount } from '../../src/security/demo-account.js';

const T0 = new Date('2026-01-15T12:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe.each(ENGINES)('accounts, sessions and the audit chain on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
  });
  afterAll(async () => t.dispose());

  it('adds users with hashed passwords, refuses weak ones, lists, disables and resets', async () => {
    await expect(addUser(t.store, { username: 'weak', role: 'analyst', password: 'password1234' }, 'op', T0)).rejects.toThrow(/common/);
    await expect(addUser(t.store, { username: 'x1', role: 'boss', password: TEST_PASSWORD }, 'op', T0)).rejects.toThrow(/unknown role/);
    await expect(addUser(t.store, { username: 'p1', role: 'partner', password: TEST_PASSWORD }, 'op', T0)).rejects.toThrow(/agency/);
    const u = await addUser(t.store, { username: 'Ana', role: 'analyst', password: TEST_PASSWORD }, 'op', T0);
    expect(u).toMatchObject({ username: 'ana', role: 'analyst', disabled: false });
    await addUser(t.store, { username: 'pat', role: 'partner', agency: 'Example Constabulary', areas: ['e01000001'], password: TEST_PASSWORD }, 'op', T0);
    expect((await listUsers(t.store)).map((x) => [x.username, x.role, x.areas])).toEqual([
      ['ana', 'analyst', []],
      ['pat', 'partner', ['E01000001']],
    ]);
    const [stored] = await t.store.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE username = 'ana'`);
    expect(stored!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored!.password_hash).not.toContain(TEST_PASSWORD);
    expect((await signIn(t.store, 'ana', TEST_PASSWORD, T0)).ok).toBe(true);
    await setDisabled(t.store, 'ana', true, 'op', T0);
    expect(await signIn(t.store, 'ana', TEST_PASSWORD, T0)).toMatchObject({ ok: false, reason: 'disabled' });
    await setDisabled(t.store, 'ana', false, 'op', T0);
    await resetPassword(t.store, 'ana', 'a-brand-new-passphrase-7', 'op', T0);
    expect((await signIn(t.store, 'ana', TEST_PASSWORD, T0)).ok).toBe(false);
    expect((await signIn(t.store, 'ana', 'a-brand-new-passphrase-7', T0)).ok).toBe(true);
  });

  it('locks an account after repeated failures, with a growing lock, and answers unknown users the same way', async () => {
    await addUser(t.store, { username: 'lou', role: 'viewer', password: TEST_PASSWORD }, 'op', T0);
    for (let i = 0; i < LOCKOUT.freeAttempts - 1; i++) expect(await signIn(t.store, 'lou', 'wrong-password-xx', later(i))).toMatchObject({ reason: 'invalid' });
    expect(await signIn(t.store, 'lou', 'wrong-password-xx', later(10))).toMatchObject({ reason: 'locked', retryAfterSeconds: 60 });
    // Even the right password is refused while locked.
    expect(await signIn(t.store, 'lou', TEST_PASSWORD, later(30))).toMatchObject({ ok: false, reason: 'locked' });
    expect(await signIn(t.store, 'lou', 'wrong-password-xx', later(80))).toMatchObject({ reason: 'locked', retryAfterSeconds: 120 });
    expect((await signIn(t.store, 'lou', TEST_PASSWORD, later(300))).ok).toBe(true);
    expect((await findUser(t.store, 'lou'))!.failedAttempts).toBe(0);
    expect(await signIn(t.store, 'nobody', TEST_PASSWORD, T0)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('expires sessions when idle and at their absolute lifetime, and stores only token hashes', async () => {
    const s = await createSession(t.store, 'ana', T0);
    expect((await t.store.query(`SELECT * FROM sessions WHERE token_hash = $1`, [s.token])).length).toBe(0);
    expect((await resumeSession(t.store, s.token, later(60)))?.user.username).toBe('ana');
    expect(await resumeSession(t.store, s.token, later(60 + SESSION_LIMITS.idleSeconds + 1))).toBeNull();
    const busy = await createSession(t.store, 'ana', T0);
    let now = 0;
    for (; now + SESSION_LIMITS.idleSeconds / 2 < SESSION_LIMITS.absoluteSeconds; now += SESSION_LIMITS.idleSeconds / 2) {
      expect(await resumeSession(t.store, busy.token, later(now))).not.toBeNull();
    }
    expect(await resumeSession(t.store, busy.token, later(SESSION_LIMITS.absoluteSeconds + 1))).toBeNull();
    expect(await resumeSession(t.store, 'not-a-token', T0)).toBeNull();
  });

  it('audits sign-ins and user changes without passwords, in an intact hash chain', async () => {
    const entries = await listAudit(t.store);
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.add', 'user.disable', 'user.enable', 'user.reset', 'login.success', 'login.failure', 'user.locked']));
    const text = JSON.stringify(entries);
    expect(text).not.toContain(TEST_PASSWORD);
    expect(text).not.toContain('wrong-password-xx');
    expect(text).not.toContain('nobody');
    expect(await verifyAudit(t.store)).toEqual({ ok: true, entries: entries.length });
    expect((await listAudit(t.store, { since: '2100-01-01' })).length).toBe(0);
  });

  it('gives the demo account (svo start) a fresh random password at every start', async () => {
    const first = await ensureDemoAccount(t.store);
    const second = await ensureDemoAccount(t.store);
    expect(first).not.toBe(second);
    expect(second.length).toBeGreaterThanOrEqual(20);
    expect((await findUser(t.store, DEMO_USERNAME))?.role).toBe('analyst');
    expect((await signIn(t.store, DEMO_USERNAME, first, T0)).ok).toBe(false);
    expect((await signIn(t.store, DEMO_USERNAME, second, T0)).ok).toBe(true);
    expect(JSON.stringify(await listAudit(t.store))).not.toContain(second);
  });

  it('names the first broken entry when an entry is edited or deleted', async () => {
    const a = await appendAudit(t.store, 'op', 'ingest', { file: 'x.csv', accepted: 3 }, T0);
    await appendAudit(t.store, 'op', 'ingest', { file: 'y.csv', accepted: 4 }, T0);
    await t.store.run(`UPDATE audit_log SET details = $1 WHERE seq = $2`, ['{"accepted":300,"file":"x.csv"}', a.seq]);
    expect(await verifyAudit(t.store)).toMatchObject({ ok: false, firstBroken: { seq: a.seq, reason: expect.stringMatching(/edited/) } });
    await t.store.run(`UPDATE audit_log SET details = $1 WHERE seq = $2`, ['{"accepted":3,"file":"x.csv"}', a.seq]);
    expect((await verifyAudit(t.store)).ok).toBe(true);
    await t.store.run(`DELETE FROM audit_log WHERE seq = $1`, [a.seq]);
    expect(await verifyAudit(t.store)).toMatchObject({ ok: false, firstBroken: { seq: a.seq + 1 } });
  });
});
