"""Probe: does the accurate loaded-language model gain from richer MiniLM features than the
final mean-pooled sentence vector (mean-pooled hidden states of several layers)?

A measurement, not part of the package (issue 5; bench/README.md). Needs ../shared/data/babe.

  HF_HUB_OFFLINE=1 .venv/bin/python -m training.probes.layer_pooling
"""
import json
import sys
import time

import numpy as np

from training import train_framing as tf


def layer_means(texts: list[str], layers: tuple[int, ...], batch: int = 64) -> np.ndarray:
    """Mean-pooled (attention-masked), L2-normalised hidden states of the given layers, concatenated."""
    import torch

    from storyline.models_registry import sentence_model

    st = sentence_model()
    tok, net = st.tokenizer, st[0].auto_model
    out = []
    with torch.inference_mode():
        for i in range(0, len(texts), batch):
            enc = tok(texts[i:i + batch], padding=True, truncation=True, max_length=256, return_tensors="pt")
            hs = net(**enc, output_hidden_states=True).hidden_states
            mask = enc["attention_mask"].unsqueeze(-1).float()
            parts = []
            for layer in layers:
                v = (hs[layer] * mask).sum(1) / mask.sum(1)
                parts.append(torch.nn.functional.normalize(v, dim=1))
            out.append(torch.cat(parts, dim=1).numpy())
    return np.vstack(out).astype(np.float32)


def main() -> None:
    res = tf.prepare(tf.SHARED)
    babe = res.babe
    key = "layers-2-4-6"
    multi = tf.cached("sent_babe_layers246", lambda: layer_means(babe.texts, (2, 4, 6)), key)
    base = res.babe_vectors
    variants = {
        "final": base,
        "final_x2": base * 2.0,
        "layers246": multi,
        "layers246_final": np.hstack([multi, base]),
    }
    y = babe.y
    preds = {k: np.zeros(len(y)) for k in variants}
    fast = np.zeros(len(y))
    t0 = time.time()
    for tr, te in tf.splits(res, "stratified-article"):
        stack = tf.fit_loaded_stack(res, tr, accurate=False)
        pred = tf.predict_loaded_stack(res, stack, te)
        fast[te], dense_te = pred["loaded"], pred["dense"]
        w, c = stack["featurizer"].transform([babe.texts[i] for i in tr])
        wt, ct = stack["featurizer"].transform([babe.texts[i] for i in te])
        weights = tf.agreement_weights(babe.agreement[tr])
        for name, emb in variants.items():
            model, _ = tf.fit_linear(w, c, stack["dense"], y[tr], tf.SENTENCE_C, weights, embedding=emb[tr])
            preds[name][te] = tf._logit_to_prob(model.logit(wt, ct, dense_te, emb[te]))
        print(f"fold done {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    print("fast", json.dumps(tf.sentence_metrics(y, fast)))
    for name, p in preds.items():
        print(name, json.dumps(tf.sentence_metrics(y, p)))
    if len(sys.argv) > 1:  # keep the out-of-fold predictions for a look at the threshold
        np.savez(sys.argv[1], y=y, fast=fast, **preds)


if __name__ == "__main__":
    main()
