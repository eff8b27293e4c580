"""Probe: does a MiniLM fine-tuned (top 2 layers) on BABE opinion labels transfer to CheckThat! subjectivity?

A measurement, not part of the package (issue 5; bench/README.md, "Fine-tuned MiniLM probe").
CheckThat! is only scored, never trained on. Needs ../shared/data (babe, checkthat-subj-en).

  HF_HUB_OFFLINE=1 .venv/bin/python -m training.probes.subjectivity_transfer
"""
import time

import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import f1_score, roc_auc_score
from transformers import get_linear_schedule_with_warmup

from training.probes import finetune_minilm as F
from training.train_framing import SUBJ_MAP, load_babe, load_checkthat


def main() -> None:
    torch.set_num_threads(1); torch.manual_seed(13)
    b = load_babe()
    rows = [i for i, o in enumerate(b.opinion) if o in SUBJ_MAP]
    texts = [b.texts[i] for i in rows]; y = np.array([SUBJ_MAP[b.opinion[i]] for i in rows], dtype=np.float32)
    tok, enc = F.load_encoder(); model = F.Classifier(enc)
    ids = F.tokenize(tok, texts, 96); states = F.cache_lower(model, ids, F.N_TOP)
    for p in model.parameters(): p.requires_grad = False
    params = list(enc.encoder.layer[-F.N_TOP:].parameters()) + list(model.head.parameters())
    for p in params: p.requires_grad = True
    pos_w = torch.tensor((1 - y.mean()) / y.mean())  # balanced, as the shipped subjectivity model
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01); epochs = 3; bs = 16
    total = int(np.ceil(len(y) / bs)) * epochs; sched = get_linear_schedule_with_warmup(opt, int(0.1 * total), total)
    lossf = nn.BCEWithLogitsLoss(pos_weight=pos_w); rng = np.random.default_rng(13)
    for ep in range(epochs):
        model.train(); model.enc.embeddings.eval()
        for layer in model.enc.encoder.layer[:-F.N_TOP]: layer.eval()
        perm = rng.permutation(len(y)); t0 = time.time()
        for s in range(0, len(perm), bs):
            idx = perm[s:s + bs].tolist(); h, m = F.pad_states(states, idx)
            loss = lossf(model.upper(h, m, F.N_TOP), torch.from_numpy(y[idx]))
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        print('epoch', ep, round(time.time() - t0), flush=True)
    model.eval()
    for split in ('dev_en', 'dev_test_en'):
        t, yy = load_checkthat(split); ci = F.tokenize(tok, t, 96); cs = F.cache_lower(model, ci, F.N_TOP)
        p = np.zeros(len(t))
        with torch.no_grad():
            for s in range(0, len(t), 64):
                idx = list(range(s, min(len(t), s + 64))); h, m = F.pad_states(cs, idx)
                p[idx] = torch.sigmoid(model.upper(h, m, F.N_TOP)).numpy()
        best = max((f1_score(yy, p >= th, average='macro'), th) for th in np.arange(0.1, 0.9, 0.05))
        print(split, 'AUC', round(roc_auc_score(yy, p), 3), 'macroF1@0.5', round(f1_score(yy, p >= 0.5, average='macro'), 3), 'oracle threshold (not a result)', best, flush=True)


if __name__ == "__main__":
    main()
