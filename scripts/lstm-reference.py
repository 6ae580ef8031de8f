#!/usr/bin/env python3
"""Reference outputs for the EMO-AffectNet temporal head, computed with torch's nn.LSTM (not Keras/TF.js).

The head is Masking(0) -> LSTM(U1, return_sequences) -> Dropout -> LSTM(U2) -> Dropout -> Dense(K, softmax),
the published architecture (functions/get_models.py) with small sizes. Weights are drawn here in Keras 2's
layout (kernel [in, 4U], recurrent_kernel [U, 4U], bias [4U], gates i, f, c, o along the last axis) and
converted for torch: weight_ih = kernel.T, weight_hh = recurrent_kernel.T (torch's gate order i, f, g, o is the
same order, g being Keras's c), bias_ih = bias, bias_hh = 0.

Keras's masking skips a time step whose features are all 0: the states carry over and a return_sequences
output repeats the previous one, so the second LSTM skips the same steps. The reference therefore runs the
torch LSTMs on the unmasked steps only (an all-masked sequence leaves h = 0).

  /usr/bin/python3 scripts/lstm-reference.py > test/fixtures/keras/lstm-head-reference.json
"""
import json

import numpy as np
import torch

rng = np.random.default_rng(20261202)
F, U1, U2, K, T = 12, 10, 6, 7, 10


def f32(a):
    return np.asarray(a, dtype=np.float32)


def keras_lstm(inp, units):
    return {
        "kernel": f32(rng.uniform(-0.5, 0.5, size=(inp, 4 * units))),
        "recurrent_kernel": f32(rng.uniform(-0.5, 0.5, size=(units, 4 * units))),
        "bias": f32(rng.uniform(-0.5, 0.5, size=(4 * units,))),
    }


weights = {
    "lstm": keras_lstm(F, U1),
    "lstm_1": keras_lstm(U1, U2),
    "dense": {"kernel": f32(rng.uniform(-0.8, 0.8, size=(U2, K))), "bias": f32(rng.uniform(-0.3, 0.3, size=(K,)))},
}


def torch_lstm(w, inp, units):
    m = torch.nn.LSTM(inp, units, batch_first=True).double()
    with torch.no_grad():
        m.weight_ih_l0.copy_(torch.from_numpy(w["kernel"].T.astype(np.float64)))
        m.weight_hh_l0.copy_(torch.from_numpy(w["recurrent_kernel"].T.astype(np.float64)))
        m.bias_ih_l0.copy_(torch.from_numpy(w["bias"].astype(np.float64)))
        m.bias_hh_l0.zero_()
    return m


lstm1 = torch_lstm(weights["lstm"], F, U1)
lstm2 = torch_lstm(weights["lstm_1"], U1, U2)


def head(seq):
    """seq [T, F] float32 -> (probabilities [K], first LSTM's sequence over the kept steps)."""
    kept = seq[np.any(seq != 0, axis=1)]
    with torch.no_grad():
        if len(kept) == 0:
            h2 = torch.zeros(U2, dtype=torch.float64)
            seq1 = torch.zeros((0, U1), dtype=torch.float64)
        else:
            x = torch.from_numpy(kept.astype(np.float64))[None]
            seq1, _ = lstm1(x)
            out2, _ = lstm2(seq1)
            h2 = out2[0, -1]
            seq1 = seq1[0]
        logits = h2 @ torch.from_numpy(weights["dense"]["kernel"].astype(np.float64)) + torch.from_numpy(weights["dense"]["bias"].astype(np.float64))
        return torch.softmax(logits, dim=0).numpy(), seq1.numpy()


def features(n):
    # Non-negative, like the backbone's ReLU features.
    return f32(np.abs(rng.normal(0, 1, size=(n, F))))


cases = []
full = features(T)
cases.append(("full", full))
tail = features(T)
tail[6:] = 0
cases.append(("zero-padded tail (4 masked steps)", tail))
middle = features(T)
middle[3] = 0
middle[4] = 0
cases.append(("masked steps in the middle", middle))
one = features(T)
one[1:] = 0
cases.append(("one real step", one))
cases.append(("all masked", np.zeros((T, F), dtype=np.float32)))
repeat = features(T)
repeat[4:] = repeat[3]
cases.append(("short clip padded by repeating the last frame (no mask)", repeat))

out = {
    "description": "EMO-AffectNet LSTM head (small sizes) against torch nn.LSTM; written by scripts/lstm-reference.py",
    "dims": {"features": F, "units1": U1, "units2": U2, "classes": K, "steps": T},
    "weights": {layer: {k: v.reshape(-1).tolist() for k, v in w.items()} for layer, w in weights.items()},
    "cases": [],
}
for name, seq in cases:
    probs, seq1 = head(seq)
    out["cases"].append({"name": name, "input": seq.reshape(-1).tolist(), "probabilities": probs.tolist(),
                         "lstmSequence": seq1.reshape(-1).tolist() if name == "full" else None})
json.dump(out, __import__("sys").stdout)
