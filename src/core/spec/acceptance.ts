/**
 * Acceptance model of chain speculative decoding.
 *
 * Leviathan et al. 2023, "Fast Inference from Transformers via Speculative Decoding" (ICML; arXiv
 * 2211.17192), §3.3 eq. (1): with each drafted token accepted independently with probability a (given the
 * ones before it were), a verify step of k drafts emits
 *
 *   E(a, k) = (1 − a^(k+1)) / (1 − a)        (= k + 1 when a = 1)
 *
 * tokens per sequence: the accepted prefix plus the one token the target samples itself (the correction
 * or the bonus token). E(0, k) = 1: a useless draft emits exactly what plain decoding does.
 */

/** Expected tokens emitted per verify step for k chain drafts at per-position acceptance a (Leviathan eq. 1). */
export function expectedAcceptedTokens(acceptance: number, draftTokens: number): number {
  const a = Math.min(1, Math.max(0, acceptance));
  const k = Math.max(0, Math.floor(draftTokens));
  if (a >= 1) return k + 1;
  return (1 - a ** (k + 1)) / (1 - a);
}

/**
 * Probability that exactly n tokens are emitted in one verify step (n = 1..k+1): n−1 drafts accepted, then
 * a rejection (or all k accepted for n = k+1). The distribution E(a, k) is the mean of.
 */
export function acceptedTokensProbability(acceptance: number, draftTokens: number, n: number): number {
  const a = Math.min(1, Math.max(0, acceptance));
  const k = Math.max(0, Math.floor(draftTokens));
  if (!Number.isInteger(n) || n < 1 || n > k + 1) return 0;
  return n === k + 1 ? a ** k : a ** (n - 1) * (1 - a);
}

/**
 * The per-position acceptance a that gives a measured mean acceptance length τ (tokens per verify step)
 * at k drafts: the inverse of E(a, k), by bisection (E is increasing in a). Used to turn published
 * acceptance lengths into the per-position rates the model takes.
 */
export function acceptanceForLength(meanTokensPerStep: number, draftTokens: number): number {
  const k = Math.max(0, Math.floor(draftTokens));
  if (meanTokensPerStep <= 1) return 0;
  if (meanTokensPerStep >= k + 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (expectedAcceptedTokens(mid, k) < meanTokensPerStep) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Tokens one verify step emits for a uniform draw u in [0, 1): 1 + the drafts accepted in a row, each with
 * probability a, at most k (inverse CDF of acceptedTokensProbability: P(n > j) = a^j, so n > j iff u < a^j).
 * Multiplications only, so a seeded u gives the same answer on every JavaScript engine.
 */
export function acceptedTokensForUniform(acceptance: number, draftTokens: number, u: number): number {
  const a = Math.min(1, Math.max(0, acceptance));
  const k = Math.max(0, Math.floor(draftTokens));
  let n = 1;
  let p = a;
  while (n <= k && u < p) {
    n++;
    p *= a;
  }
  return n;
}
