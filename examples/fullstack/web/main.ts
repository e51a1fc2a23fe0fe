import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../src/trpc-router.js';
import { ChangePasswordMutation, GraphQLRequestError, MySessionsQuery, PageQuery, request, type SessionRow } from './graphql.js';

// Same origin: the browser sends the session cookie and Sec-Fetch-Site itself. httpBatchLink
// (not the streaming link) so that login, logout and rotate can set the cookie.
const trpc = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: '/trpc' })] });

function element<T extends HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`missing ${selector}`);
  return found;
}

const status = element<HTMLParagraphElement>('[data-testid="status"]');
const expires = element<HTMLParagraphElement>('[data-testid="expires"]');
const message = element<HTMLParagraphElement>('[data-testid="message"]');
const cartItems = element<HTMLUListElement>('[data-testid="cart-items"]');
const sessionRows = element<HTMLTableSectionElement>('[data-testid="session-rows"]');
const signedInOnly = ['#devices', '#password', '#sign-out'].map((selector) => element<HTMLElement>(selector));
const signIn = element<HTMLElement>('#sign-in');

function say(text: string, ok = false): void {
  message.textContent = text;
  message.classList.toggle('ok', ok);
}

/** A text field's value (a form's file fields are not read here). */
function formText(value: FormDataEntryValue | null): string {
  return typeof value === 'string' ? value : '';
}

function describeError(error: unknown): string {
  if (error instanceof TRPCClientError) return `${(error.data as { code?: string } | undefined)?.code ?? 'ERROR'}: ${error.message}`;
  if (error instanceof GraphQLRequestError) return `${error.code ?? 'ERROR'}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function when(iso: string | null): string {
  return iso === null ? '—' : new Date(iso).toLocaleString();
}

function renderSessions(rows: readonly SessionRow[]): void {
  sessionRows.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      tr.dataset['sessionId'] = row.id;
      const device = document.createElement('td');
      device.textContent = row.userAgent ?? 'unknown device';
      if (row.current) {
        const mark = document.createElement('span');
        mark.className = 'current';
        mark.dataset['testid'] = 'this-device';
        mark.textContent = ' (this device)';
        device.append(mark);
      }
      const created = document.createElement('td');
      created.textContent = when(row.createdAt);
      const seen = document.createElement('td');
      seen.textContent = when(row.lastSeenAt);
      const action = document.createElement('td');
      if (!row.current) {
        const revoke = document.createElement('button');
        revoke.className = 'secondary';
        revoke.dataset['testid'] = 'revoke';
        revoke.textContent = 'Revoke';
        revoke.addEventListener(
          'click',
          () =>
            void act(async () => {
              await trpc.session.revoke.mutate({ id: row.id });
              say('Session revoked.', true);
            }),
        );
        action.append(revoke);
      }
      tr.append(device, created, seen, action);
      return tr;
    }),
  );
}

/** Re-reads everything the page shows: who am I and the cart through GraphQL, the device list too. */
async function refresh(): Promise<void> {
  const page = await request(PageQuery);
  const signedIn = page.session.userId !== null;
  status.textContent = signedIn ? `Signed in as ${page.session.userId}` : 'Anonymous visitor';
  expires.textContent = page.session.expiresAt ? `Session expires ${when(page.session.expiresAt)} if unused.` : 'No session stored yet.';
  cartItems.replaceChildren(
    ...page.cart.map((item) => {
      const li = document.createElement('li');
      li.textContent = item;
      return li;
    }),
  );
  cartItems.dataset['count'] = String(page.cart.length);
  signIn.hidden = signedIn;
  for (const section of signedInOnly) section.hidden = !signedIn;
  if (signedIn) renderSessions((await request(MySessionsQuery)).mySessions);
  document.body.dataset['state'] = signedIn ? 'signed-in' : 'anonymous';
}

/** Runs an action, then refreshes; errors are shown, never thrown away. */
async function act(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    say(describeError(error));
  }
  try {
    await refresh();
  } catch (error) {
    say(describeError(error));
  }
}

element<HTMLFormElement>('[data-testid="login-form"]').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.currentTarget as HTMLFormElement);
  void act(async () => {
    const session = await trpc.session.login.mutate({ username: formText(form.get('username')), password: formText(form.get('password')) });
    say(`Welcome, ${session.userId}.`, true);
  });
});

element<HTMLFormElement>('[data-testid="cart-form"]').addEventListener('submit', (event) => {
  event.preventDefault();
  const target = event.currentTarget as HTMLFormElement;
  const item = formText(new FormData(target).get('item'));
  void act(async () => {
    await trpc.cart.add.mutate({ item });
    target.reset();
    say(`Added ${item}.`, true);
  });
});

element<HTMLFormElement>('[data-testid="password-form"]').addEventListener('submit', (event) => {
  event.preventDefault();
  const target = event.currentTarget as HTMLFormElement;
  const form = new FormData(target);
  void act(async () => {
    await request(ChangePasswordMutation, { currentPassword: formText(form.get('currentPassword')), newPassword: formText(form.get('newPassword')) });
    target.reset();
    say('Password changed; your other devices are signed out.', true);
  });
});

element<HTMLButtonElement>('[data-testid="logout"]').addEventListener('click', () => {
  void act(async () => {
    await trpc.session.logout.mutate();
    say('Signed out.', true);
  });
});

void act(async () => {});
