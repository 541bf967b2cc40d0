/** Signed-in HTTP clients for tests: an account per role, a session cookie and the CSRF token. */
import type { Store } from '../../src/store/port.js';
import type { Role } from '../../src/core/security/roles.js';
import { addUser, findUser } from '../../src/security/users.js';

/** Anything that answers requests like a Hono app. */
export interface App {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

export const TEST_PASSWORD = 'correct-otter-lantern-42';

export interface Client {
  role: Role | null;
  request(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
}

/** Ensures an account `<role>-user` exists (partners get an agency), signs in and returns a client. */
export async function signedIn(app: App, store: Store, role: Role, extra: { agency?: string; areas?: string[] } = {}): Promise<Client> {
  const username = `${role}-user`;
  if (!(await findUser(store, username))) {
    await addUser(store, { username, role, agency: extra.agency ?? (role === 'partner' ? 'Example Constabulary' : undefined), areas: extra.areas, password: TEST_PASSWORD }, 'test');
  }
  const res = await app.request('/api/login', { method: 'POST', body: JSON.stringify({ username, password: TEST_PASSWORD }), headers: { 'content-type': 'application/json' } });
  if (res.status !== 200) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return client(app, role, { cookie, 'x-csrf-token': csrfToken });
}

export function anonymous(app: App): Client {
  return client(app, null, {});
}

function client(app: App, role: Role | null, auth: Record<string, string>): Client {
  const request: Client['request'] = async (path, init = {}) =>
    await app.request(path, {
      method: init.method ?? 'GET',
      ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
      headers: { 'content-type': 'application/json', ...auth, ...(init.headers ?? {}) },
    });
  return { role, request, get: (path) => request(path), post: (path, body) => request(path, { method: 'POST', body: body ?? {} }) };
}
