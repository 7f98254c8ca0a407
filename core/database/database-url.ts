/** `url` connecting as `user` instead, without a password (trust auth: development and tests). */
export function asDatabaseUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = '';
  return u.toString();
}

/** The runtime login `npm start`, the tests and the bench create locally (DATABASE_URL's default user). */
export const LOCAL_RUNTIME_LOGIN = 'checkout_saga_app';
