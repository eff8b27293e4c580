"""Probe: do news-style sentences written for this project (training/data/subjectivity_synthetic.jsonl,
1,680 sentences labelled SUBJ/OBJ by four helper sessions that never saw CheckThat!) teach a
subjectivity model CheckThat!'s notion better than BABE's opinion labels alone?

A measurement, not part of the package (issue 5; bench/README.md). CheckThat! is only scored,
never trained on. Needs ../shared/data (babe, checkthat-subj-en).

  HF_HUB_OFFLINE=1 .venv/bin/python -m training.probes.synthetic_subjectivity
"""
import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score

from storyline.framing import features as F
from storyline.models_registry import embed
from training.train_framing import SUBJ_MAP, load_babe, load_checkthat, sentence_vectors

SYNTHETIC = Path(__file__).resolve().parents[1] / "data" / "subjectivity_synthetic.jsonl"


def main() -> None:
    babe = load_babe()
    rows = [i for i, o in enumerate(babe.opinion) if o in SUBJ_MAP]
    b_texts = [F.mask_quotes(babe.texts[i]) for i in rows]
    b_y = np.array([SUBJ_MAP[babe.opinion[i]] for i in rows])
    syn = [json.loads(line) for line in SYNTHETIC.open(encoding="utf-8") if line.strip()]
    s_texts = [F.mask_quotes(r["text"]) for r in syn]
    s_y = np.array([int(r["label"] == "SUBJ") for r in syn])
    b_emb, s_emb = sentence_vectors("babe_subj_masked", b_texts), embed(s_texts)
    evals = {s: load_checkthat(s) for s in ("dev_en", "dev_test_en")}
    e_emb = {s: embed([F.mask_quotes(t) for t in texts]) for s, (texts, _) in evals.items()}

    def run(name: str, use_babe: bool, use_syn: bool, syn_weight: float = 1.0, tfidf: bool = True) -> None:
        texts = (b_texts if use_babe else []) + (s_texts if use_syn else [])
        y = np.r_[b_y if use_babe else [], s_y if use_syn else []]
        emb = np.vstack(([b_emb] if use_babe else []) + ([s_emb] if use_syn else []))
        w = np.r_[np.ones(len(b_y)) if use_babe else [], np.full(len(s_y), syn_weight) if use_syn else []]
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2).fit(texts) if tfidf else None

        def design(tx: list[str], e: np.ndarray) -> sp.csr_matrix:
            return sp.hstack([vec.transform(tx), sp.csr_matrix(e)]).tocsr() if vec else sp.csr_matrix(e)

        lr = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced").fit(design(texts, emb), y, sample_weight=w)
        out = [f"{name:32s}"]
        for split, (tx, yy) in evals.items():
            p = lr.predict_proba(design([F.mask_quotes(t) for t in tx], e_emb[split]))[:, 1]
            out.append(f"{split} AUC {roc_auc_score(yy, p):.3f} macro-F1 {f1_score(yy, p >= 0.5, average='macro'):.3f}")
        print(" | ".join(out), flush=True)

    print(f"BABE opinion: {len(b_y)} sentences ({b_y.mean():.2f} subjective); synthetic: {len(s_y)} ({s_y.mean():.2f})")
    run("MiniLM, BABE", True, False, tfidf=False)
    run("MiniLM, synthetic", False, True, tfidf=False)
    run("MiniLM, BABE + synthetic", True, True, tfidf=False)
    run("tf-idf + MiniLM, BABE", True, False)
    run("tf-idf + MiniLM, synthetic", False, True)
    for w in (1.0, 3.0):
        run(f"tf-idf + MiniLM, BABE + syn x{w:g}", True, True, w)


if __name__ == "__main__":
    main()
