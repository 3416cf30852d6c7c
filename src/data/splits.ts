/** Seeded, reproducible splits: k-fold grouped by artist (optionally stratified) and train/validation/test. */

/** mulberry32: a small, fast, seedable PRNG (same seed → same sequence on every platform). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  const rand = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export interface Fold {
  train: number[];
  test: number[];
}

/**
 * k folds where no group (artist) is in both train and test. Groups are shuffled with
 * `seed`, then assigned greedily to the fold that most needs their labels (when
 * `labels` is given, so each fold keeps the class balance) or the smallest fold.
 */
export function groupKFold(groups: readonly string[], k: number, seed: number, labels?: readonly string[]): Fold[] {
  if (k < 2 || k > new Set(groups).size) throw new RangeError(`k must be between 2 and the number of groups (${new Set(groups).size}), got ${k}`);
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => byGroup.set(g, [...(byGroup.get(g) ?? []), i]));
  // Large groups first (they are hardest to place), ties in seeded random order.
  const order = shuffle([...byGroup.keys()], seed).sort((a, b) => byGroup.get(b)!.length - byGroup.get(a)!.length);
  const classes = labels ? [...new Set(labels)].sort() : ['all'];
  const total = new Map(classes.map((c) => [c, labels ? labels.filter((l) => l === c).length : groups.length]));
  const counts = Array.from({ length: k }, () => new Map(classes.map((c) => [c, 0])));
  const sizes = new Array<number>(k).fill(0);
  const members: number[][] = Array.from({ length: k }, () => []);
  for (const g of order) {
    const idx = byGroup.get(g)!;
    let best = 0;
    let bestCost = Infinity;
    for (let f = 0; f < k; f++) {
      // Cost: how far the fold's class counts would overshoot their fair share, then its size.
      let cost = 0;
      for (const c of classes) {
        const add = labels ? idx.filter((i) => labels[i] === c).length : idx.length;
        cost += Math.max(0, counts[f].get(c)! + add - total.get(c)! / k);
      }
      cost = cost * groups.length + sizes[f];
      if (cost < bestCost) {
        bestCost = cost;
        best = f;
      }
    }
    members[best].push(...idx);
    sizes[best] += idx.length;
    for (const i of idx) {
      const c = labels ? labels[i] : 'all';
      counts[best].set(c, counts[best].get(c)! + 1);
    }
  }
  return members.map((test, f) => ({
    test: test.sort((a, b) => a - b),
    train: members.flatMap((m, j) => (j === f ? [] : m)).sort((a, b) => a - b),
  }));
}

/**
 * Train/validation/test split (default 70/15/15 as in the Sentio design guide), grouped
 * by `groups` when given and stratified by `labels` when given.
 */
export function trainValTestSplit(n: number, seed: number, options: { fractions?: [number, number, number]; groups?: readonly string[]; labels?: readonly string[] } = {}): { train: number[]; validation: number[]; test: number[] } {
  const [ft, fv] = options.fractions ?? [0.7, 0.15, 0.15];
  const groups = options.groups ?? Array.from({ length: n }, (_, i) => String(i));
  // 20 grouped folds, dealt out in proportion: fine enough for 5 % granularity.
  const parts = 20;
  const folds = groupKFold(groups, Math.min(parts, new Set(groups).size), seed, options.labels);
  const nTrain = Math.round(ft * folds.length);
  const nVal = Math.round(fv * folds.length);
  const pick = (from: number, to: number) => folds.slice(from, to).flatMap((f) => f.test).sort((a, b) => a - b);
  return { train: pick(0, nTrain), validation: pick(nTrain, nTrain + nVal), test: pick(nTrain + nVal, folds.length) };
}
