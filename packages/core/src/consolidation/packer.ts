/**
 * The packing engine: items with a demand vector go into machines (bins) with a capacity vector,
 * fewest machines first, with optional conflict tags (anti-affinity, separated roles).
 *
 * 1. Greedy starts, the best kept: first-fit decreasing over machines in a fixed order with several
 *    item orders (first fit finds the first machine with room through a tree of per-dimension
 *    maximum residuals, O(n log m) in practice); for small vector inputs also the dot-product
 *    bin-centric greedy (Panigrahy et al.) and minimum bin slack with exact-completion look-up and
 *    randomised restarts (after Gupta & Ho, Fleszar & Charalambous).
 * 2. Improvement by consistent neighbourhood search (after Buljubasic & Vasquez, 2016): take the
 *    items of two machines out into a pending set S and search, by swaps between S and the other
 *    machines (0..2 items of S against 0..2 items of a machine, every machine kept feasible), for a
 *    state where S fits in one machine. Each success powers one machine fewer. The search minimises
 *    the size of S, breaks ties toward more (smaller) items in S, and uses a tabu list with
 *    aspiration. It stops at the lower bound or when the budget is spent.
 * When items are left over because machines ran out, the same search tries to pull them in.
 */
import { fitsWithin } from '../shared/tolerance.ts';
import type { Budget } from './budget.ts';
import type { Rng } from './prng.ts';

export interface PackProblem {
  readonly n: number;
  readonly dims: number;
  /** n × dims demands. */
  readonly demand: Float64Array;
  readonly m: number;
  /** m × dims capacities (Infinity allowed), machines in the order first fit opens them. */
  readonly cap: Float64Array;
  /** Conflict tags: item i carries `carries[i]` and may not share a machine with an item carrying
   *  one of `excludes[i]`. Must be symmetric. null when there are none. */
  readonly carries: readonly (readonly number[])[] | null;
  readonly excludes: readonly (readonly number[])[] | null;
  /** Stop improving when this many machines are used. */
  readonly lowerBound: number;
}

export interface PackResult {
  /** Machine index per item, -1 when it could not be placed. */
  readonly bin: Int32Array;
  readonly binsUsed: number;
  readonly greedyBins: number;
  readonly iterations: number;
  readonly exhausted: boolean;
}

const EMPTY: readonly number[] = [];
/** Machines one search step scans (from a random offset): short steps, many of them. */
const SCAN_BINS = 20;
/** Non-improving moves before the search goes back to the last packing and frees other machines. */
const STAGNATION = 100;
/** Largest pending set whose two-machine split is searched exhaustively (2^n subsets). */
const EXACT_SPLIT_MAX = 14;
/** The pack move looks at this many machines, with this many search nodes each. */
const PACK_TRIES = 40;
const PACK_NODES = 4000;

/** Mutable packing state shared by the greedy and the search. */
class State {
  readonly p: PackProblem;
  readonly D: number;
  readonly load: Float64Array;
  readonly items: number[][];
  readonly bin: Int32Array;
  readonly tags: Map<number, number>[] | null;
  /** Per item, the sum over dimensions of demand / reference capacity. */
  readonly weight: Float64Array;
  constructor(p: PackProblem, weight: Float64Array) {
    this.p = p;
    this.D = p.dims;
    this.load = new Float64Array(p.m * p.dims);
    this.items = Array.from({ length: p.m }, () => []);
    this.bin = new Int32Array(p.n).fill(-1);
    this.tags = p.carries ? Array.from({ length: p.m }, () => new Map()) : null;
    this.weight = weight;
  }

  fitsEmpty(i: number, b: number): boolean {
    const { D, p } = this;
    for (let d = 0; d < D; d++) if (!fitsWithin(p.demand[i * D + d]!, p.cap[b * D + d]!)) return false;
    return true;
  }

  fits(i: number, b: number): boolean {
    const { D, p, load } = this;
    for (let d = 0; d < D; d++) {
      if (!fitsWithin(load[b * D + d]! + p.demand[i * D + d]!, p.cap[b * D + d]!)) return false;
    }
    if (this.tags) {
      const t = this.tags[b]!;
      for (const x of p.excludes![i] ?? EMPTY) if ((t.get(x) ?? 0) > 0) return false;
    }
    return true;
  }

  add(i: number, b: number): void {
    const { D, p, load } = this;
    for (let d = 0; d < D; d++) load[b * D + d]! += p.demand[i * D + d]!;
    this.items[b]!.push(i);
    this.bin[i] = b;
    if (this.tags) {
      const t = this.tags[b]!;
      for (const x of p.carries![i] ?? EMPTY) t.set(x, (t.get(x) ?? 0) + 1);
    }
  }

  remove(i: number): void {
    const b = this.bin[i]!;
    const { D, p, load } = this;
    for (let d = 0; d < D; d++) load[b * D + d]! -= p.demand[i * D + d]!;
    const list = this.items[b]!;
    const k = list.indexOf(i);
    list[k] = list[list.length - 1]!;
    list.pop();
    if (list.length === 0) for (let d = 0; d < D; d++) load[b * D + d] = 0;
    this.bin[i] = -1;
    if (this.tags) {
      const t = this.tags[b]!;
      for (const x of p.carries![i] ?? EMPTY) t.set(x, (t.get(x) ?? 0) - 1);
    }
  }

  used(): number {
    let c = 0;
    for (const list of this.items) if (list.length > 0) c++;
    return c;
  }

  restore(assign: Int32Array): void {
    this.load.fill(0);
    for (const list of this.items) list.length = 0;
    if (this.tags) for (const t of this.tags) t.clear();
    this.bin.fill(-1);
    for (let i = 0; i < assign.length; i++) if (assign[i]! >= 0) this.add(i, assign[i]!);
  }
}

/** First fit through a max-residual tree: O(log m) per item when dimensions agree. */
function firstFit(state: State, order: Int32Array): void {
  const { p, D } = state;
  let size = 1;
  while (size < p.m) size <<= 1;
  const res = new Float64Array(2 * size * D).fill(Number.NEGATIVE_INFINITY);
  const tol = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    let maxCap = 1;
    for (let b = 0; b < p.m; b++) {
      const c = p.cap[b * D + d]!;
      if (Number.isFinite(c)) maxCap = Math.max(maxCap, Math.abs(c));
    }
    tol[d] = 1e-9 * maxCap;
  }
  const setLeaf = (b: number): void => {
    let node = size + b;
    for (let d = 0; d < D; d++) res[node * D + d] = p.cap[b * D + d]! - state.load[b * D + d]!;
    node >>= 1;
    while (node >= 1) {
      for (let d = 0; d < D; d++) {
        const l = res[2 * node * D + d]!;
        const r = res[(2 * node + 1) * D + d]!;
        res[node * D + d] = l > r ? l : r;
      }
      node >>= 1;
    }
  };
  for (let b = 0; b < p.m; b++) {
    const node = size + b;
    for (let d = 0; d < D; d++) res[node * D + d] = p.cap[b * D + d]! - state.load[b * D + d]!;
  }
  for (let node = size - 1; node >= 1; node--) {
    for (let d = 0; d < D; d++) {
      const l = res[2 * node * D + d]!;
      const r = res[(2 * node + 1) * D + d]!;
      res[node * D + d] = l > r ? l : r;
    }
  }
  const descend = (node: number, i: number): number => {
    for (let d = 0; d < D; d++) if (p.demand[i * D + d]! > res[node * D + d]! + tol[d]!) return -1;
    if (node >= size) {
      const b = node - size;
      return b < p.m && state.fits(i, b) ? b : -1;
    }
    const left = descend(2 * node, i);
    return left >= 0 ? left : descend(2 * node + 1, i);
  };
  for (const i of order) {
    if (state.bin[i]! >= 0) continue;
    const b = descend(1, i);
    if (b >= 0) {
      state.add(i, b);
      setLeaf(b);
    }
  }
}

function sortedOrder(n: number, key: (i: number) => number): Int32Array {
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => key(b) - key(a) || a - b);
  return Int32Array.from(idx);
}

/** Per dimension the largest finite capacity: the scale that makes dimensions comparable. */
export function referenceScale(p: PackProblem): Float64Array {
  const scale = new Float64Array(p.dims);
  for (let d = 0; d < p.dims; d++) {
    let max = 0;
    for (let b = 0; b < p.m; b++) {
      const c = p.cap[b * p.dims + d]!;
      if (Number.isFinite(c)) max = Math.max(max, c);
    }
    scale[d] = max;
  }
  return scale;
}

function dotProductGreedy(state: State, scale: Float64Array): void {
  const { p, D } = state;
  const left = sortedOrder(p.n, (i) => state.weight[i]!);
  let remaining = Array.from(left);
  const res = new Float64Array(D);
  for (let b = 0; b < p.m && remaining.length > 0; b++) {
    const first = remaining.findIndex((i) => state.fits(i, b));
    if (first < 0) continue;
    state.add(remaining[first]!, b);
    remaining.splice(first, 1);
    for (;;) {
      for (let d = 0; d < D; d++)
        res[d] = scale[d]! > 0 ? (p.cap[b * D + d]! - state.load[b * D + d]!) / scale[d]! : 0;
      let bestIdx = -1;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < remaining.length; k++) {
        const i = remaining[k]!;
        let score = 0;
        let ok = true;
        for (let d = 0; d < D; d++) {
          const v = p.demand[i * D + d]!;
          if (!fitsWithin(state.load[b * D + d]! + v, p.cap[b * D + d]!)) {
            ok = false;
            break;
          }
          if (scale[d]! > 0) score += (v / scale[d]!) * res[d]!;
        }
        if (ok && score > bestScore) {
          bestScore = score;
          bestIdx = k;
        }
      }
      if (bestIdx < 0) break;
      state.add(remaining[bestIdx]!, b);
      remaining.splice(bestIdx, 1);
    }
  }
  remaining = [];
}

/** Share of the budget the randomised greedy restarts may use; the search gets the rest. */
const GREEDY_SHARE = 0.25;

/** Candidate checks the search may spend on one machine. */
const MBS_NODES = 15000;

function mbsGreedy(state: State, rng: Rng | null): void {
  const { p, D } = state;
  const order = Array.from(sortedOrder(p.n, (i) => state.weight[i]!));
  const used = new Uint8Array(p.n);
  const keys = Array.from({ length: p.n }, (_, i) =>
    Array.from(p.demand.subarray(i * D, (i + 1) * D)).join(','),
  );
  const keyOf = (i: number): string => keys[i]!;
  const byKey = new Map<string, number[]>();
  for (const i of order) {
    const k = keyOf(i);
    const list = byKey.get(k);
    if (list) list.push(i);
    else byKey.set(k, [i]);
  }
  const take = (i: number): void => {
    used[i] = 1;
  };
  let cursor = 0;
  const residualKey = (b: number): string => {
    const r: number[] = [];
    for (let d = 0; d < D; d++) r.push(p.cap[b * D + d]! - state.load[b * D + d]!);
    return r.join(',');
  };
  for (let b = 0; b < p.m; b++) {
    while (cursor < order.length && used[order[cursor]!]) cursor++;
    if (cursor >= order.length) break;
    // The largest item left that fits this machine on its own.
    let first = -1;
    for (let c = cursor; c < order.length; c++) {
      const i = order[c]!;
      if (!used[i] && state.fits(i, b)) {
        first = i;
        break;
      }
    }
    if (first < 0) continue;
    state.add(first, b);
    take(first);
    const chosen: number[] = [];
    let bestSet: number[] = [];
    let bestW = 0;
    let perfect = false;
    let nodes = 0;
    const exact = (): number => {
      const list = byKey.get(residualKey(b));
      if (!list) return -1;
      for (const i of list) if (!used[i] && !chosen.includes(i) && state.fits(i, b)) return i;
      return -1;
    };
    const dfs = (start: number, w: number): void => {
      if (perfect || ++nodes > MBS_NODES) return;
      const e = exact();
      if (e >= 0) {
        bestSet = [...chosen, e];
        bestW = Number.POSITIVE_INFINITY;
        perfect = true;
        return;
      }
      let lastKey = '';
      for (let c = start; c < order.length; c++) {
        const i = order[c]!;
        if (used[i] || chosen.includes(i)) continue;
        if (++nodes > MBS_NODES) return;
        if (!state.fits(i, b)) continue;
        const k = keyOf(i);
        if (k === lastKey) continue; // an identical item was just tried at this depth
        lastKey = k;
        state.add(i, b);
        chosen.push(i);
        const nw = w + state.weight[i]!;
        if (nw > bestW) {
          bestW = nw;
          bestSet = [...chosen];
        }
        dfs(c + 1, nw);
        chosen.pop();
        state.remove(i);
        if (perfect || nodes > MBS_NODES) return;
      }
    };
    // First a cheap pass: one more item whose exact complement (the room left) is also an item.
    const direct = exact();
    if (direct >= 0) {
      bestSet = [direct];
      perfect = true;
    }
    // With a generator (restarts), one of the first few exact pairs is taken at random.
    const pairs: number[][] = [];
    for (let c = cursor; c < order.length && !perfect && pairs.length < (rng ? 6 : 1); c++) {
      const i = order[c]!;
      if (used[i] || !state.fits(i, b)) continue;
      state.add(i, b);
      chosen.push(i);
      const e = exact();
      chosen.pop();
      state.remove(i);
      if (e >= 0) pairs.push([i, e]);
    }
    if (!perfect && pairs.length > 0) {
      bestSet = pairs[rng ? rng.below(pairs.length) : 0]!;
      perfect = true;
    }
    if (!perfect) dfs(cursor, 0);
    for (const i of bestSet) {
      state.add(i, b);
      take(i);
    }
  }
}

interface Candidate {
  readonly a: number[];
  readonly w: number;
  readonly vec: Float64Array;
}

/** Packs the items; see the module comment. */
export function pack(p: PackProblem, rng: Rng, budget: Budget): PackResult {
  const D = p.dims;
  const scale = referenceScale(p);
  const weight = new Float64Array(p.n);
  const maxDim = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) {
    let s = 0;
    let mx = 0;
    for (let d = 0; d < D; d++) {
      const v = scale[d]! > 0 ? p.demand[i * D + d]! / scale[d]! : 0;
      s += v;
      if (v > mx) mx = v;
    }
    weight[i] = s;
    maxDim[i] = mx;
  }
  // Greedy: first fit decreasing with a few item orders; keep the best.
  const orders: ((i: number) => number)[] = [(i) => weight[i]!, (i) => maxDim[i]!];
  if (D > 1 && p.n <= 20000) {
    for (let d = 0; d < D && d < 3; d++) orders.push((i) => p.demand[i * D + d]! / (scale[d]! || 1));
  }
  let best: Int32Array | null = null;
  let bestKey = Number.POSITIVE_INFINITY;
  let state = new State(p, weight);
  for (const key of orders) {
    const s = new State(p, weight);
    firstFit(s, sortedOrder(p.n, key));
    let unplacedWeight = 0;
    for (let i = 0; i < p.n; i++) if (s.bin[i]! < 0) unplacedWeight += weight[i]!;
    const k = unplacedWeight * 1e6 + s.used();
    if (k < bestKey) {
      bestKey = k;
      best = s.bin;
      state = s;
    }
  }
  // Bin-centric greedy (Panigrahy et al.'s dot product): open a machine with the largest item left,
  // then keep adding the item whose demand best matches the room left. O(n^2): small inputs only.
  if (p.n <= 3000 && D > 1 && !p.carries) {
    const s = new State(p, weight);
    dotProductGreedy(s, scale);
    let unplacedWeight = 0;
    for (let i = 0; i < p.n; i++) if (s.bin[i]! < 0) unplacedWeight += weight[i]!;
    const k = unplacedWeight * 1e6 + s.used();
    if (k < bestKey) {
      bestKey = k;
      best = s.bin;
      state = s;
    }
  }
  // Bin-centric minimum bin slack (Gupta & Ho; Fleszar & Hindi's MBS'): each machine takes the
  // largest item left plus the subset of the others that fills it most, found by a bounded search
  // that also looks up an exact completion of the room left. Small inputs only.
  if (p.n <= 3000) {
    for (let round = 0; round < 30; round++) {
      if (round > 0 && (state.used() <= p.lowerBound || budget.spent() || budget.expired())) break;
      if (round > 0 && budget.progress() > GREEDY_SHARE) break;
      const s = new State(p, weight);
      mbsGreedy(s, round === 0 ? null : rng);
      let unplacedWeight = 0;
      for (let i = 0; i < p.n; i++) if (s.bin[i]! < 0) unplacedWeight += weight[i]!;
      const k = unplacedWeight * 1e6 + s.used();
      if (k < bestKey) {
        bestKey = k;
        best = s.bin;
        state = s;
      }
    }
  }
  if (!best) throw new Error('pack: no greedy order');
  const greedyBins = state.used();
  const search = new Search(state, rng, budget, scale);
  search.run();
  return {
    bin: state.bin,
    binsUsed: state.used(),
    greedyBins,
    iterations: budget.iterations(),
    exhausted: search.exhausted,
  };
}

class Search {
  readonly s: State;
  readonly rng: Rng;
  readonly budget: Budget;
  readonly D: number;
  readonly tabuUntil: Int32Array;
  readonly tabuBin: Int32Array;
  /** Capacity class of each machine (machines of one class are interchangeable). */
  readonly classOf: Int32Array;
  readonly classes: number;
  exhausted = false;
  iter = 0;
  constructor(s: State, rng: Rng, budget: Budget, _scale: Float64Array) {
    this.s = s;
    this.rng = rng;
    this.budget = budget;
    this.D = s.p.dims;
    this.tabuUntil = new Int32Array(s.p.n);
    this.tabuBin = new Int32Array(s.p.n).fill(-1);
    const keys = new Map<string, number>();
    this.classOf = new Int32Array(s.p.m);
    for (let b = 0; b < s.p.m; b++) {
      const key = Array.from(s.p.cap.subarray(b * this.D, (b + 1) * this.D)).join('|');
      let c = keys.get(key);
      if (c === undefined) {
        c = keys.size;
        keys.set(key, c);
      }
      this.classOf[b] = c;
    }
    this.classes = keys.size;
  }

  run(): void {
    const { s } = this;
    const p = s.p;
    // Items the greedy could not place: try to pull them in with every machine available.
    const leftover: number[] = [];
    for (let i = 0; i < p.n; i++) if (s.bin[i]! < 0) leftover.push(i);
    if (leftover.length > 0) {
      this.insertAll(leftover);
      return;
    }
    let snapshot = Int32Array.from(s.bin);
    while (s.used() > p.lowerBound && s.used() > 1) {
      const ok = this.reduceOne();
      if (ok) snapshot = Int32Array.from(s.bin);
      else {
        s.restore(snapshot);
        this.exhausted = true;
        return;
      }
    }
  }

  /** Search with no machine to free: make S (the leftovers) as light as possible, then stop. */
  insertAll(leftover: number[]): void {
    const pending = new Set(leftover);
    let bestW = this.weightOf(pending);
    let bestAssign = Int32Array.from(this.s.bin);
    while (pending.size > 0) {
      if (this.budget.spent()) {
        this.exhausted = true;
        break;
      }
      if (!this.step(pending, bestW)) break;
      const w = this.weightOf(pending);
      if (w < bestW - 1e-12) {
        bestW = w;
        bestAssign = Int32Array.from(this.s.bin);
      }
    }
    this.s.restore(bestAssign);
  }

  weightOf(set: Set<number>): number {
    let w = 0;
    for (const i of set) w += this.s.weight[i]!;
    return w;
  }

  /** Picks two lightly loaded machines, empties them into S and searches until S fits one of them. */
  reduceOne(): boolean {
    const { s, rng } = this;
    const p = s.p;
    const stagnationLimit = STAGNATION;
    for (;;) {
      const used: number[] = [];
      const binW: number[] = [];
      for (let b = 0; b < p.m; b++) {
        if (s.items[b]!.length === 0) continue;
        used.push(b);
        let w = 0;
        for (const i of s.items[b]!) w += s.weight[i]!;
        binW[b] = w;
      }
      used.sort((a, b) => binW[a]! - binW[b]! || a - b);
      // Take the items of k + 1 light machines out and look for a state where they fit in k of them.
      const take = Math.min(used.length, 3);
      const pool = Math.min(used.length, take + 4);
      const freed: number[] = [];
      while (freed.length < take) {
        const b = used[Math.floor(rng.next() * rng.next() * pool)]!;
        if (!freed.includes(b)) freed.push(b);
      }
      const before = Int32Array.from(s.bin);
      const pending = new Set<number>();
      for (const b of freed) {
        for (const i of [...s.items[b]!]) {
          s.remove(i);
          pending.add(i);
        }
      }
      let bestW = this.weightOf(pending);
      let sinceBest = 0;
      for (;;) {
        if (this.packInto(pending, freed)) return true;
        if (this.budget.spent()) return false;
        if (!this.step(pending, bestW, freed)) sinceBest = stagnationLimit;
        let w = this.weightOf(pending);
        if (w >= bestW - 1e-12 && sinceBest % 8 === 7) {
          this.packMove(pending, freed);
          w = this.weightOf(pending);
        }
        if (w < bestW - 1e-12) {
          bestW = w;
          sinceBest = 0;
        } else if (++sinceBest >= stagnationLimit) break;
      }
      // Stagnated: go back to the last complete packing and try another pair of machines.
      s.restore(before);
      this.tabuUntil.fill(0);
    }
  }

  /**
   * Tries to pack the pending items into all but one of the freed machines (first fit decreasing,
   * each machine left out in turn); on success the items are placed and S is emptied.
   */
  packInto(pending: Set<number>, freed: readonly number[]): boolean {
    const { s } = this;
    const p = s.p;
    const k = freed.length - 1;
    // Target machines: the freed ones, and (machines of several sizes) a few unused of each size.
    const candidates = [...freed];
    if (this.classes > 1) {
      const perClass = new Map<number, number>();
      for (let b = 0; b < p.m && candidates.length < 8; b++) {
        if (s.items[b]!.length > 0 || freed.includes(b)) continue;
        const c = this.classOf[b]!;
        const n = perClass.get(c) ?? 0;
        if (n >= k) continue;
        perClass.set(c, n + 1);
        candidates.push(b);
      }
    }
    const order = [...pending].sort((a, b) => s.weight[b]! - s.weight[a]! || a - b);
    const tried = new Set<string>();
    const combos: number[][] = [];
    const build = (start: number, chosen: number[]): void => {
      if (chosen.length === k) {
        const key = chosen
          .map((b) => this.classOf[b])
          .sort()
          .join(',');
        if (!tried.has(key)) {
          tried.add(key);
          combos.push([...chosen]);
        }
        return;
      }
      for (let c = start; c < candidates.length; c++) {
        chosen.push(candidates[c]!);
        build(c + 1, chosen);
        chosen.pop();
      }
    };
    build(0, []);
    for (const targets of combos) {
      const placed: number[] = [];
      let ok = true;
      for (const i of order) {
        let done = false;
        for (const f of targets) {
          if (s.fits(i, f)) {
            s.add(i, f);
            placed.push(i);
            done = true;
            break;
          }
        }
        if (!done) {
          ok = false;
          break;
        }
      }
      if (ok) {
        pending.clear();
        return true;
      }
      for (const i of placed) s.remove(i);
      if (
        k === 2 &&
        order.length <= EXACT_SPLIT_MAX &&
        !p.carries &&
        this.exactSplit(order, targets[0]!, targets[1]!)
      ) {
        pending.clear();
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the items split exactly between two empty machines (every subset tried, sums built
   * incrementally); places them when they do. First fit can miss such a split.
   */
  exactSplit(items: readonly number[], t1: number, t2: number): boolean {
    const { s, D } = this;
    const p = s.p;
    const n = items.length;
    const total = new Float64Array(D);
    for (const i of items) for (let d = 0; d < D; d++) total[d]! += p.demand[i * D + d]!;
    for (let d = 0; d < D; d++) {
      if (!fitsWithin(total[d]!, p.cap[t1 * D + d]! + p.cap[t2 * D + d]!)) return false;
    }
    const size = 1 << n;
    const sums = new Float64Array(size * D);
    for (let mask = 1; mask < size; mask++) {
      const low = mask & -mask;
      const bit = 31 - Math.clz32(low);
      const prev = mask ^ low;
      const item = items[bit]!;
      let fits1 = true;
      for (let d = 0; d < D; d++) {
        const v = sums[prev * D + d]! + p.demand[item * D + d]!;
        sums[mask * D + d] = v;
        if (!fitsWithin(v, p.cap[t1 * D + d]!)) fits1 = false;
      }
      if (!fits1) continue;
      let fits2 = true;
      for (let d = 0; d < D; d++) {
        if (!fitsWithin(total[d]! - sums[mask * D + d]!, p.cap[t2 * D + d]!)) {
          fits2 = false;
          break;
        }
      }
      if (!fits2) continue;
      for (let b = 0; b < n; b++) s.add(items[b]!, mask & (1 << b) ? t1 : t2);
      return true;
    }
    return false;
  }

  /**
   * The "pack" move of consistent neighbourhood search: for one machine, choose among its items and
   * the pending ones the subset that fills it most (by weight), within a node budget. Applies the
   * first machine, in random order, where that beats its current fill.
   */
  packMove(pending: Set<number>, freed: readonly number[]): boolean {
    const { s, rng, D } = this;
    const p = s.p;
    const used: number[] = [];
    for (let b = 0; b < p.m; b++) if (s.items[b]!.length > 0 && !freed.includes(b)) used.push(b);
    const pend = [...pending].sort((a, b) => s.weight[b]! - s.weight[a]! || a - b).slice(0, 14);
    const tries = Math.min(used.length, PACK_TRIES);
    const start = rng.below(Math.max(1, used.length));
    const load = new Float64Array(D);
    for (let k = 0; k < tries; k++) {
      const b = used[(start + k * 7919) % used.length]!;
      const own = s.items[b]!;
      if (own.length > 12) continue;
      const pool = [...own, ...pend].sort((x, y) => s.weight[y]! - s.weight[x]! || x - y);
      let current = 0;
      for (const i of own) current += s.weight[i]!;
      const suffix = new Float64Array(pool.length + 1);
      for (let j = pool.length - 1; j >= 0; j--) suffix[j] = suffix[j + 1]! + s.weight[pool[j]!]!;
      let best = current + 1e-9;
      let bestSet: number[] | null = null;
      const chosen: number[] = [];
      let nodes = 0;
      load.fill(0);
      const dfs = (j: number, w: number): void => {
        if (++nodes > PACK_NODES) return;
        if (w > best) {
          best = w;
          bestSet = [...chosen];
        }
        if (j >= pool.length || w + suffix[j]! <= best) return;
        const i = pool[j]!;
        let fits = true;
        for (let d = 0; d < D; d++) {
          if (!fitsWithin(load[d]! + p.demand[i * D + d]!, p.cap[b * D + d]!)) {
            fits = false;
            break;
          }
        }
        if (fits && p.carries && conflictWithin(p, [...chosen, i])) fits = false;
        if (fits) {
          for (let d = 0; d < D; d++) load[d]! += p.demand[i * D + d]!;
          chosen.push(i);
          dfs(j + 1, w + s.weight[i]!);
          chosen.pop();
          for (let d = 0; d < D; d++) load[d]! -= p.demand[i * D + d]!;
        }
        dfs(j + 1, w);
      };
      dfs(0, 0);
      const picked = bestSet as number[] | null;
      if (picked === null) continue;
      const keep = new Set<number>(picked);
      for (const i of [...own]) {
        if (!keep.has(i)) {
          s.remove(i);
          pending.add(i);
          this.tabuUntil[i] = this.iter + 5;
          this.tabuBin[i] = b;
        }
      }
      for (const i of picked) {
        if (pending.has(i)) {
          pending.delete(i);
          s.add(i, b);
        }
      }
      return true;
    }
    return false;
  }

  /** True when every item of the set fits together in the empty machine f. */
  setFits(set: Set<number>, f: number): boolean {
    const { s, D } = this;
    const p = s.p;
    const sum = new Float64Array(D);
    for (const i of set) for (let d = 0; d < D; d++) sum[d]! += p.demand[i * D + d]!;
    for (let d = 0; d < D; d++) if (!fitsWithin(sum[d]!, p.cap[f * D + d]!)) return false;
    if (p.carries) {
      const seen = new Set<number>();
      for (const i of set) for (const t of p.carries[i] ?? EMPTY) seen.add(t);
      for (const i of set) {
        for (const x of p.excludes![i] ?? EMPTY) {
          if (!seen.has(x)) continue;
          // Count carriers of x other than i itself.
          let n = 0;
          for (const j of set) if (j !== i && (p.carries[j] ?? EMPTY).includes(x)) n++;
          if (n > 0) return false;
        }
      }
    }
    return true;
  }

  /**
   * One tabu move between the pending set and one machine: the best swap of 1-2 pending items
   * against 0-2 items of the machine that keeps it feasible. Returns false when no move exists.
   */
  step(pending: Set<number>, bestW: number, freed: readonly number[] = []): boolean {
    const { s, D, rng } = this;
    const p = s.p;
    this.iter++;
    const iter = this.iter;
    // Candidate subsets A of the pending set.
    const pend = [...pending].sort((a, b) => s.weight[b]! - s.weight[a]! || a - b);
    const cands: Candidate[] = [];
    const vecOf = (list: number[]): Float64Array => {
      const v = new Float64Array(D);
      for (const i of list) for (let d = 0; d < D; d++) v[d]! += p.demand[i * D + d]!;
      return v;
    };
    for (const a of pend) cands.push({ a: [a], w: s.weight[a]!, vec: vecOf([a]) });
    const pairLimit = Math.min(pend.length, 16);
    for (let x = 0; x < pairLimit; x++) {
      for (let y = x + 1; y < pairLimit; y++) {
        const a = [pend[x]!, pend[y]!];
        if (p.carries && conflictWithin(p, a)) continue;
        cands.push({ a, w: s.weight[a[0]!]! + s.weight[a[1]!]!, vec: vecOf(a) });
      }
    }
    cands.sort((x, y) => y.w - x.w);
    const currentW = this.weightOf(pending);
    // Machines to look at: all used ones, or a sample when there are many.
    const used: number[] = [];
    for (let b = 0; b < p.m; b++) if (s.items[b]!.length > 0 && !freed.includes(b)) used.push(b);
    // Scan the machines from a random offset; stop at the end of the first machine that offers an
    // improving move (first improvement), else take the best move seen (tabu walk).
    const maxBins = Math.min(used.length, SCAN_BINS);
    const offset = used.length > 0 ? rng.below(used.length) : 0;
    const stride = used.length > maxBins ? 1 + rng.below(Math.max(1, Math.floor(used.length / maxBins))) : 1;
    const bins: number[] = [];
    for (let k = 0; k < maxBins; k++) bins.push(used[(offset + k * stride) % used.length]!);
    let bestScore = Number.NEGATIVE_INFINITY;
    let bestBin = -1;
    let bestA: number[] = [];
    let bestR: number[] = [];
    let ties = 0;
    const slack = new Float64Array(D);
    const rvec = new Float64Array(D);
    for (const b of bins) {
      const list = s.items[b]!;
      const k = list.length;
      for (let d = 0; d < D; d++) {
        const c = p.cap[b * D + d]!;
        slack[d] = c - s.load[b * D + d]! + 1e-9 * Math.max(1, Math.abs(c));
      }
      const pairs = k <= 10;
      // Enumerate R: empty, singles, pairs.
      const rCount = 1 + k + (pairs ? (k * (k - 1)) / 2 : 0);
      for (let r = 0; r < rCount; r++) {
        let r1 = -1;
        let r2 = -1;
        if (r >= 1 && r <= k) r1 = list[r - 1]!;
        else if (r > k) {
          // Decode pair index.
          let idx = r - 1 - k;
          let x = 0;
          while (idx >= k - 1 - x) {
            idx -= k - 1 - x;
            x++;
          }
          r1 = list[x]!;
          r2 = list[x + 1 + idx]!;
        }
        let rw = 0;
        rvec.fill(0);
        if (r1 >= 0) {
          rw += s.weight[r1]!;
          for (let d = 0; d < D; d++) rvec[d]! += p.demand[r1 * D + d]!;
        }
        if (r2 >= 0) {
          rw += s.weight[r2]!;
          for (let d = 0; d < D; d++) rvec[d]! += p.demand[r2 * D + d]!;
        }
        const rSize = (r1 >= 0 ? 1 : 0) + (r2 >= 0 ? 1 : 0);
        for (const c of cands) {
          const delta = c.w - rw;
          if (delta + 3e-7 < bestScore) break;
          // Swapping equal loads of equal counts changes nothing useful.
          if (Math.abs(delta) < 1e-12 && c.a.length === rSize) continue;
          const score = delta + 1e-7 * (rSize - c.a.length);
          if (score < bestScore - 1e-13) continue;
          let ok = true;
          for (let d = 0; d < D; d++) {
            if (c.vec[d]! > slack[d]! + rvec[d]!) {
              ok = false;
              break;
            }
          }
          if (!ok) continue;
          const tabu =
            (this.tabuUntil[c.a[0]!]! > iter && this.tabuBin[c.a[0]!] === b) ||
            (c.a.length > 1 && this.tabuUntil[c.a[1]!]! > iter && this.tabuBin[c.a[1]!] === b);
          if (tabu && !(currentW - delta < bestW - 1e-12)) continue;
          if (p.carries && !swapKeepsTags(s, b, c.a, r1, r2)) continue;
          if (score > bestScore + 1e-13) {
            bestScore = score;
            ties = 1;
          } else {
            ties++;
            if (rng.below(ties) !== 0) continue;
          }
          bestBin = b;
          bestA = c.a;
          bestR = r2 >= 0 ? [r1, r2] : r1 >= 0 ? [r1] : [];
        }
      }
    }
    if (bestBin < 0) return false;
    const tenure = 3 + rng.below(7) + Math.min(10, pending.size);
    for (const i of bestR) {
      s.remove(i);
      pending.add(i);
      // Tabu: the item may not go back into the machine it just left.
      this.tabuUntil[i] = iter + tenure;
      this.tabuBin[i] = bestBin;
    }
    for (const i of bestA) {
      pending.delete(i);
      s.add(i, bestBin);
    }
    return true;
  }
}

function conflictWithin(p: PackProblem, a: readonly number[]): boolean {
  for (const i of a) {
    for (const x of p.excludes![i] ?? EMPTY) {
      for (const j of a) if (j !== i && (p.carries![j] ?? EMPTY).includes(x)) return true;
    }
  }
  return false;
}

/** Conflict check of machine b after removing r1/r2 and adding the items of `add`. */
function swapKeepsTags(s: State, b: number, add: readonly number[], r1: number, r2: number): boolean {
  const p = s.p;
  const t = s.tags![b]!;
  for (const i of add) {
    for (const x of p.excludes![i] ?? EMPTY) {
      let n = t.get(x) ?? 0;
      if (n === 0) continue;
      if (r1 >= 0 && (p.carries![r1] ?? EMPTY).includes(x)) n--;
      if (r2 >= 0 && (p.carries![r2] ?? EMPTY).includes(x)) n--;
      if (n > 0) return false;
    }
  }
  return true;
}
