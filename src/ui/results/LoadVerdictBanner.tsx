/**
 * What the offered load needs, above the plan table (issue 14): "4 of your 8 GPUs carry 5 req/s
 * within SLO (TP4 DP1)", or the overload verdict when no plan keeps up. It only shows the sentence
 * the search computed (core/search/ranking.ts loadVerdict); nothing is worked out here.
 */
import type { SearchResult } from '../../core/search/types.ts';
import { IconAlert } from '../icons.tsx';

export function LoadVerdictBanner({ result }: { result: SearchResult }) {
  const v = result.verdict;
  if (!v) return null;
  const ok = v.kind === 'meets-slo';
  const sentence = v.message.charAt(0).toUpperCase() + v.message.slice(1);
  return (
    <div className={ok ? 'banner banner--info' : 'banner'} role="status" data-testid="load-verdict" data-kind={v.kind}>
      {!ok && <IconAlert />}
      <div className="banner__text">
        <strong>{ok ? 'This load needs: ' : v.kind === 'overloaded' ? 'Overloaded: ' : 'SLO missed: '}</strong>
        {sentence}.
      </div>
    </div>
  );
}
