import { useState } from 'preact/hooks';
import { ok, problemOf, type Problem } from './api/client.ts';
import { session, type LoginChallenge } from './auth/session.ts';
import { ProblemAlert } from './components/ProblemAlert.tsx';

const REASONS = {
  idle: 'You were signed out after a period of inactivity.',
  expired: 'Your session ended. Sign in again.',
  'signed-out': 'You are signed out.',
} as const;

/** Password, then the second factor (an e-mailed code or the authenticator app's). */
export function SignIn() {
  const [email, setEmail] = useState('');
  const [challenge, setChallenge] = useState<LoginChallenge | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const reason = session.lastReason();

  const run = async (step: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await step();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin" id="main">
      <h1>Nexus Bank console</h1>
      {reason ? <p class="notice" role="status" data-reason={reason}>{REASONS[reason]}</p> : null}
      {!challenge ? (
        <form
          aria-label="Sign in"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const mail = String(f.get('email'));
            void run(async () => {
              setChallenge(ok(await session.start(mail, String(f.get('password')))));
              setEmail(mail);
            });
          }}
        >
          <label>
            <span>E-mail</span>
            <input name="email" type="email" autocomplete="username" required autofocus />
          </label>
          <label>
            <span>Password</span>
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <button type="submit" class="primary" disabled={busy}>Continue</button>
        </form>
      ) : (
        <form
          aria-label="Second factor"
          onSubmit={(e) => {
            e.preventDefault();
            const code = String(new FormData(e.currentTarget).get('code')).trim();
            void run(async () => {
              ok(await session.verify(email, code));
            });
          }}
        >
          <p role="status">{challenge.detail}</p>
          <label>
            <span>{challenge.method === 'totp' ? 'Authenticator or recovery code' : 'Code from the e-mail'}</span>
            <input name="code" autocomplete="one-time-code" inputMode={challenge.method === 'email' ? 'numeric' : 'text'} required autofocus />
          </label>
          <div class="actions">
            <button type="button" onClick={() => (setChallenge(null), setProblem(null))} disabled={busy}>Back</button>
            <button type="submit" class="primary" disabled={busy}>Sign in</button>
          </div>
        </form>
      )}
      <ProblemAlert problem={problem} />
    </main>
  );
}
