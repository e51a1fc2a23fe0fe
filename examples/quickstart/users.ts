/** The quick starts' stand-in for the app's own user check (hash and compare in constant time in a real app). */
export async function checkPassword(username: string, password: string): Promise<{ id: string } | null> {
  return username === 'demo' && password === 'demo-password' ? { id: 'user-demo' } : null;
}
