import type { Problem } from '../api/client.ts';

/** An action's or a load's error, as the problem's title and detail (and its request id, to quote to support). */
export function ProblemAlert({ problem }: { problem: Problem | null | undefined }) {
  if (!problem) return null;
  return (
    <div class="problem" role="alert" data-code={problem.code} data-status={problem.status}>
      <strong class="problem-title">{problem.title}</strong>
      {problem.detail ? <span class="problem-detail">{problem.detail}</span> : null}
      {problem.request_id ? <small class="problem-request">Request {problem.request_id}</small> : null}
    </div>
  );
}
