#!/usr/bin/env python3
"""Development cross-check of src/bench/metrics against scikit-learn / scipy / numpy.

Writes random cases with reference values as JSON on stdout; scripts/crosscheck-metrics.ts compares:
  /usr/bin/python3 scripts/crosscheck-metrics.py > /tmp/xcheck.json
  node --import tsx scripts/crosscheck-metrics.ts /tmp/xcheck.json
Not part of the test suite (which must not need Python).
"""
import json, sys, warnings
import numpy as np
from scipy import stats
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, f1_score,
                             precision_recall_fscore_support, top_k_accuracy_score)

warnings.filterwarnings("ignore")
rng = np.random.default_rng(int(sys.argv[1]) if len(sys.argv) > 1 else 12345)
cases = {"classification": [], "regression": [], "mcnemar": [], "quantile": [], "au": []}

for _ in range(600):
    K = int(rng.integers(2, 11))
    n = int(rng.integers(1, 300))
    # draw from a random subset so some classes are absent from the truth or never predicted
    true_pool = rng.choice(K, size=int(rng.integers(1, K + 1)), replace=False)
    pred_pool = rng.choice(K, size=int(rng.integers(1, K + 1)), replace=False)
    y = rng.choice(true_pool, size=n)
    p = np.where(rng.random(n) < 0.4, y, rng.choice(pred_pool, size=n))
    p = np.where(np.isin(p, np.arange(K)), p, 0)
    scores = rng.normal(size=(n, K))
    if rng.random() < 0.3:
        scores = np.round(scores, 0)  # many ties
    labels = list(range(K))
    prec, rec, f1, sup = precision_recall_fscore_support(y, p, labels=labels, zero_division=0)
    case = {
        "k": K, "labels": y.tolist(), "preds": p.tolist(), "scores": scores.tolist(),
        "accuracy": accuracy_score(y, p),
        "macroF1": f1_score(y, p, labels=labels, average="macro", zero_division=0),
        "weightedF1": f1_score(y, p, labels=labels, average="weighted", zero_division=0),
        "uar": balanced_accuracy_score(y, p),
        "precision": prec.tolist(), "recall": rec.tolist(), "f1": f1.tolist(), "support": sup.tolist(),
        "topk": {},
    }
    if K >= 3 and len(np.unique(y)) >= 1:
        for k in range(1, K):
            case["topk"][str(k)] = top_k_accuracy_score(y, scores, k=k, labels=labels)
    cases["classification"].append(case)

for _ in range(300):
    n = int(rng.integers(2, 500))
    t = rng.normal(size=n) * rng.uniform(0.1, 2)
    x = 0.6 * t + rng.normal(size=n) * rng.uniform(0.1, 1) + rng.uniform(-0.5, 0.5)
    if rng.random() < 0.3:
        t = np.round(t, 0); x = np.round(x, 0)  # exact zeros for SAGR
    mx, my = x.mean(), t.mean()
    sxy = np.mean((x - mx) * (t - my))
    ccc = 2 * sxy / (x.var() + t.var() + (mx - my) ** 2)
    cases["regression"].append({
        "pred": x.tolist(), "truth": t.tolist(), "ccc": ccc,
        "pearson": stats.pearsonr(x, t)[0] if x.std() > 0 and t.std() > 0 else None,
        "rmse": float(np.sqrt(np.mean((x - t) ** 2))),
        "sagr": float(np.mean(np.sign(x) == np.sign(t))),
    })

for _ in range(400):
    big = rng.random() < 0.5
    b = int(rng.integers(0, 3000 if big else 20)); c = int(rng.integers(0, 3000 if big else 20))
    n = b + c
    exact = min(1.0, 2 * stats.binom.cdf(min(b, c), n, 0.5)) if n > 0 else 1.0
    chi = (abs(b - c) - 1) ** 2 / n if n > 0 else None
    cases["mcnemar"].append({"b": b, "c": c, "exactP": exact, "chiStat": chi,
                             "chiP": float(stats.chi2.sf(chi, 1)) if n > 0 else None})

for _ in range(100):
    v = rng.normal(size=int(rng.integers(1, 200)))
    q = float(rng.random())
    cases["quantile"].append({"values": v.tolist(), "q": q, "expected": float(np.percentile(v, q * 100))})

for _ in range(100):
    n = int(rng.integers(1, 200)); A = int(rng.integers(1, 13))
    truth = (rng.random((n, A)) < rng.uniform(0, 0.5)).astype(int)
    scores = np.round(rng.random((n, A)), 1)  # hits 0.5 exactly sometimes
    f1s = [f1_score(truth[:, a], (scores[:, a] >= 0.5).astype(int), zero_division=0) for a in range(A)]
    cases["au"].append({"truth": truth.tolist(), "scores": scores.tolist(), "f1": f1s, "mean": float(np.mean(f1s))})

json.dump(cases, sys.stdout)
