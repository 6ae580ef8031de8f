/**
 * Limited-memory BFGS for smooth unconstrained minimisation (Nocedal & Wright, Numerical
 * Optimization, 2nd ed., Algorithm 7.4 — the two-loop recursion — with Algorithm 7.5's scaling
 * H₀ = (sᵀy / yᵀy)·I). No maintained npm package provides it.
 *
 * The step length comes from a backtracking line search on the Armijo condition with safeguarded
 * quadratic interpolation (N&W §3.5); a pair (s, y) enters the memory only when sᵀy > 0, which keeps
 * the inverse-Hessian approximation positive definite without a Wolfe search. The stopping rules are
 * scipy's L-BFGS-B ones that scikit-learn relies on: max |g_i| ≤ gtol, or a relative decrease of f
 * below ftol, or maxIter iterations (then converged is false).
 */

export interface LbfgsOptions {
  /** Stop when the largest |gradient component| is ≤ gtol. Default 1e-5. */
  gtol?: number;
  /** Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol. Default 64·ε (sklearn's setting). */
  ftol?: number;
  /** Iterations (accepted steps). Default 100. */
  maxIter?: number;
  /** Pairs kept in memory. Default 10 (scipy's maxcor). */
  memory?: number;
  /** Function evaluations per line search. Default 50 (sklearn's maxls). */
  maxLineSearch?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: 'gtol' | 'ftol' | 'maxIter' | 'lineSearch';
}

/** f(x), writing ∇f(x) into grad. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

const EPS = 2.220446049250313e-16;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function minimizeLbfgs(fg: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const gtol = options.gtol ?? 1e-5;
  const ftol = options.ftol ?? 64 * EPS;
  const maxIter = options.maxIter ?? 100;
  const m = options.memory ?? 10;
  const maxLs = options.maxLineSearch ?? 50;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const p = new Float64Array(n);
  const alpha = new Float64Array(m);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  if (!Number.isFinite(f)) throw new Error(`L-BFGS: the objective is ${f} at the starting point`);
  for (let iter = 0; iter < maxIter; iter++) {
    if (maxAbs(g) <= gtol) return { x, f, iterations: iter, evaluations, converged: true, reason: 'gtol' };
    // Two-loop recursion: p = −H g.
    for (let i = 0; i < n; i++) p[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], p);
      const y = Y[k];
      for (let i = 0; i < n; i++) p[i] -= alpha[k] * y[i];
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = 1 / (rho[last] * dot(Y[last], Y[last]));
      for (let i = 0; i < n; i++) p[i] *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], p);
      const s = S[k];
      for (let i = 0; i < n; i++) p[i] += (alpha[k] - beta) * s[i];
    }
    let slope = dot(g, p);
    if (!(slope < 0)) {
      // Not a descent direction (rounding in a stale memory): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) p[i] = -g[i];
      slope = dot(g, p);
    }
    // First step without curvature information: unit length, as scipy's first step.
    let t = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let fNew = NaN;
    let accepted = false;
    for (let ls = 0; ls < maxLs; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + t * p[i];
      fNew = fg(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * t * slope) {
        accepted = true;
        break;
      }
      // Minimiser of the quadratic through f(0), f'(0) and f(t), kept within [0.1 t, 0.5 t].
      const q = Number.isFinite(fNew) ? (-slope * t * t) / (2 * (fNew - f - slope * t)) : 0.1 * t;
      t = Math.min(0.5 * t, Math.max(0.1 * t, q));
    }
    if (!accepted) return { x, f, iterations: iter, evaluations, converged: false, reason: 'lineSearch' };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > EPS * dot(y, y)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const fOld = f;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      return { x, f, iterations: iter + 1, evaluations, converged: true, reason: maxAbs(g) <= gtol ? 'gtol' : 'ftol' };
    }
  }
  const done = maxAbs(g) <= gtol;
  return { x, f, iterations: maxIter, evaluations, converged: done, reason: done ? 'gtol' : 'maxIter' };
}
