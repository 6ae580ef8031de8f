#!/usr/bin/python3
"""Reference outputs of scikit-learn for the classifiers and clip statistics in src/learn/.

Writes test/fixtures/learn/reference.json (settings, labels, sklearn outputs) and one
<problem>.f32 per problem (train rows then test rows, float32 little-endian, row-major). The
features are rounded to float32 *before* sklearn sees them, so the .f32 file is exactly the input.

Run with Debian's interpreter (it has sklearn 1.2 and numpy):
    /usr/bin/python3 scripts/make-learn-fixtures.py
The suite reads the stored files and needs no Python.

    /usr/bin/python3 scripts/make-learn-fixtures.py --timing
instead times scikit-learn on the problem sizes of benchmarks/learn-loco.ts (same shapes and kind of
data, not the same values), for comparison with that benchmark's figures. It writes nothing.
"""
import json
import os
import sys

import numpy as np
import sklearn
from scipy.optimize import minimize
from scipy.special import logsumexp
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler, normalize
from sklearn.svm import SVC, LinearSVC

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'learn')


def make_problem(rng, n_train, n_test, d, labels, sep, l2):
    """Gaussian classes with overlapping centres, rows in random (not label-sorted) order."""
    k = len(labels)
    centres = rng.normal(size=(k, d)) * sep
    n = n_train + n_test
    y_idx = rng.integers(0, k, size=n)
    x = centres[y_idx] + rng.normal(size=(n, d))
    # A few large-scale features so that standardisation matters for the LR head.
    x[:, : max(1, d // 16)] *= 3.0
    x[:, -1] += 3.0
    if l2:
        x = normalize(x)
    x = x.astype(np.float32)
    y = np.array(labels)[y_idx]
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def lr_objective(x, yi, n_coef_rows, C):
    """sklearn's L2 logistic objective per row: mean cross-entropy + ||W||^2 / (2 C n), intercept free."""
    n, d = x.shape

    def f(th):
        W = th[: n_coef_rows * d].reshape(n_coef_rows, d)
        Z = x @ W.T + th[n_coef_rows * d:]
        if n_coef_rows == 1:
            z, t = Z[:, 0], (yi == 1).astype(float)
            loss, R = np.sum(np.logaddexp(0, z) - t * z), (1 / (1 + np.exp(-z)) - t)[:, None]
        else:
            lse = logsumexp(Z, axis=1)
            loss = np.sum(lse - Z[np.arange(n), yi])
            R = np.exp(Z - lse[:, None])
            R[np.arange(n), yi] -= 1
        grad = np.concatenate([(R.T @ x / n + W / (C * n)).ravel(), R.sum(0) / n])
        return loss / n + np.sum(W * W) / (2 * C * n), grad
    return f


def refine_optimum(lr, x, y, C):
    """sklearn stops on scipy's relative-decrease rule (factr); polish its solution to |grad| ~ 1e-10
    so the tests can also say how close each solver is to the true optimum."""
    yi = np.searchsorted(lr.classes_, y)
    f = lr_objective(x, yi, lr.coef_.shape[0], C)
    th0 = np.concatenate([lr.coef_.ravel(), lr.intercept_])
    res = minimize(f, th0, jac=True, method='L-BFGS-B', options=dict(ftol=0, gtol=1e-13, maxiter=100000, maxcor=30))
    k = lr.coef_.shape[0] * x.shape[1]
    return {'sklearnGradMax': float(np.abs(f(th0)[1]).max()), 'optimumGradMax': float(np.abs(res.jac).max()),
            'optimumCoef': lst(res.x[:k].reshape(lr.coef_.shape)), 'optimumIntercept': lst(res.x[k:])}


def lst(a):
    return np.asarray(a, dtype=np.float64).tolist()


def main():
    rng = np.random.default_rng(20261202)
    os.makedirs(OUT, exist_ok=True)
    specs = [
        # name, n_train, n_test, d, labels, centre scale, L2-normalised rows
        ('p64', 300, 100, 64, [0, 1, 2, 3, 4, 5, 6], 0.35, False),
        ('p1024', 200, 80, 1024, [2, 5, 9, 11, 40], 0.2, True),
        ('binary', 150, 50, 16, [3, 7], 0.4, False),
    ]
    problems = []
    for name, n_train, n_test, d, labels, sep, l2 in specs:
        xtr, ytr, xte, yte = make_problem(rng, n_train, n_test, d, labels, sep, l2)
        with open(os.path.join(OUT, f'{name}.f32'), 'wb') as f:
            f.write(np.concatenate([xtr, xte]).astype('<f4').tobytes())
        xtr64, xte64 = xtr.astype(np.float64), xte.astype(np.float64)
        p = {'name': name, 'd': d, 'nTrain': n_train, 'nTest': n_test, 'l2Rows': l2,
             'yTrain': ytr.tolist(), 'yTest': yte.tolist()}

        # LinearSVC at a tight tolerance, so that both solvers stop at the same optimum (the random
        # visiting order of the coordinates differs between them).
        tight = LinearSVC(C=1.1, tol=1e-10, max_iter=200000, random_state=0).fit(xtr64, ytr)
        p['linearSvc'] = {
            'C': 1.1, 'tol': 1e-10, 'maxIter': 200000,
            'classes': tight.classes_.tolist(),
            'coef': lst(tight.coef_), 'intercept': lst(tight.intercept_),
            'decision': lst(tight.decision_function(xte64)),
            'predict': tight.predict(xte64).tolist(),
            'nIter': int(np.max(tight.n_iter_)),
        }

        svcs = {}
        for key, kw in [('rbf', dict(kernel='rbf', C=1.9)), ('linear', dict(kernel='linear', C=1.0))]:
            ovo = SVC(decision_function_shape='ovo', **kw).fit(xtr64, ytr)
            ovr = SVC(**kw).fit(xtr64, ytr)
            svcs[key] = {
                **{k: v for k, v in kw.items()},
                'gamma': float(ovo._gamma),
                'classes': ovo.classes_.tolist(),
                'nSupport': ovo.n_support_.tolist(),
                'support': ovo.support_.tolist(),
                'intercept': lst(ovo.intercept_),
                'decisionOvo': lst(ovo.decision_function(xte64)),
                'decisionOvr': lst(ovr.decision_function(xte64)),
                'predict': ovo.predict(xte64).tolist(),
            }
        p['svc'] = svcs

        lrs = {}
        for key, c, scale in [('raw', 1.0, False), ('scaled', 0.5, True)]:
            a, b = xtr64, xte64
            entry = {'C': c, 'standardize': scale}
            if scale:
                sc = StandardScaler().fit(a)
                a, b = sc.transform(a), sc.transform(b)
                entry['scalerMean'] = lst(sc.mean_)
                entry['scalerScale'] = lst(sc.scale_)
            lr = LogisticRegression(C=c, solver='lbfgs', tol=1e-12, max_iter=100000).fit(a, ytr)
            entry.update({
                'classes': lr.classes_.tolist(),
                'coef': lst(lr.coef_), 'intercept': lst(lr.intercept_),
                'proba': lst(lr.predict_proba(b)),
                'decision': lst(lr.decision_function(b)),
                'predict': lr.predict(b).tolist(),
                'nIter': int(np.max(lr.n_iter_)),
                **refine_optimum(lr, a, ytr, c),
            })
            lrs[key] = entry
        p['logistic'] = lrs
        problems.append(p)

    # Clip statistics on small ragged clips: AFEW (frames × D), VGAF (frames × faces × D).
    srng = np.random.default_rng(7)
    d = 6
    afew = []
    for n_frames in [1, 2, 5, 9]:
        # Inputs are float32 (as the embeddings are); the statistics are taken in float64 from them,
        # which is what the TypeScript code does.
        f = srng.normal(size=(n_frames, d)).astype(np.float32).astype(np.float64)
        desc = np.concatenate([f.mean(0), f.std(0), f.min(0), f.max(0)])
        afew.append({'frames': lst(f), 'descriptor': lst(desc), 'normalized': lst(normalize(desc[None])[0])})
    vgaf = []
    for faces_per_frame in [[1], [2, 1, 3], [4, 4], [1, 1, 1, 1, 5]]:
        frames = [srng.normal(size=(m, d)).astype(np.float32).astype(np.float64) for m in faces_per_frame]
        per_frame = np.array([np.concatenate([fr.mean(0), fr.std(0)]) for fr in frames])
        desc = np.concatenate([per_frame.mean(0), per_frame.std(0)])
        vgaf.append({'frames': [lst(fr) for fr in frames], 'descriptor': lst(desc),
                     'normalized': lst(normalize(desc[None])[0])})

    ref = {
        'generator': 'scripts/make-learn-fixtures.py',
        'sklearn': sklearn.__version__, 'numpy': np.__version__, 'python': sys.version.split()[0],
        'problems': problems,
        'stats': {'d': d, 'afew': afew, 'vgaf': vgaf},
    }
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump(ref, f, separators=(',', ':'))
    for p in problems:
        ls = p['linearSvc']
        print(f"{p['name']}: LinearSVC n_iter {ls['nIter']}; "
              f"LR n_iter {p['logistic']['raw']['nIter']}/{p['logistic']['scaled']['nIter']}; "
              f"LR |grad| sklearn {p['logistic']['raw']['sklearnGradMax']:.1e} polished {p['logistic']['raw']['optimumGradMax']:.1e}; "
              f"SVC rbf gamma {p['svc']['rbf']['gamma']:.6g}, SVs {sum(p['svc']['rbf']['nSupport'])}; "
              f"test acc linsvc {np.mean(np.array(ls['predict']) == np.array(p['yTest'])):.2f}")


def timing():
    """sklearn on the shapes of benchmarks/learn-loco.ts: LOCO over 4 corpora × 1,000 clips, 7 classes."""
    import time
    import warnings
    warnings.simplefilter('ignore')
    rng = np.random.default_rng(1)
    k, n = 7, 1000
    for d, l2 in [(5120, True), (512, False)]:
        s = 3 / np.sqrt(2 * d)
        centres = rng.normal(size=(k, d)) * s
        corpora = []
        for c in range(4):
            shift = rng.normal(size=d) * s / 3
            y = rng.integers(0, k, size=n)
            x = centres[y] + shift + rng.normal(size=(n, d))
            corpora.append((normalize(x) if l2 else x, y))
        for name, make in [('LinearSVC(C=1.1)', lambda: LinearSVC(C=1.1)),
                           ('LogisticRegression(C=1, lbfgs)', lambda: LogisticRegression(C=1.0, max_iter=100))]:
            t0, c0 = time.perf_counter(), time.process_time()
            accs = []
            for t in range(4):
                xs = np.concatenate([corpora[i][0] for i in range(4) if i != t])
                ys = np.concatenate([corpora[i][1] for i in range(4) if i != t])
                clf = make().fit(xs, ys)
                accs.append(np.mean(clf.predict(corpora[t][0]) == corpora[t][1]))
            print(f'd={d} {name}: {time.perf_counter() - t0:.2f} s wall ({time.process_time() - c0:.2f} s CPU) for 4 folds; '
                  f'held-out accuracy {"/".join(f"{a:.2f}" for a in accs)}')


if __name__ == '__main__':
    timing() if '--timing' in sys.argv else main()
