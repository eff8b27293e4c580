"""Probe: do BABE's SG1 expert panel and MBIC's crowd labels, added as extra votes to the SG2
agreement that weights each training sentence, help the loaded-language model? Labels stay SG2.

A measurement, not part of the package (issue 5; bench/README.md). Needs ../shared/data (babe, mbic).

  HF_HUB_OFFLINE=1 .venv/bin/python -m training.probes.extra_votes base|sg1|sg1mbic
"""
import csv
import json
import sys
import time
from pathlib import Path

from training import train_framing as tf

SG2_VOTES = 5  # weight of the SG2 agreement share, in votes


def labels(path: Path, sep: str) -> dict[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {r["text"].strip(): r["label_bias"] for r in csv.DictReader(fh, delimiter=sep)}


def main(mode: str) -> None:
    res = tf.prepare(tf.SHARED)
    sg1 = labels(tf.SHARED / "babe" / "final_labels_SG1.csv", ";")
    mbic = labels(tf.SHARED / "mbic" / "final_labels_MBIC.csv", ",")
    babe = res.babe
    for i, text in enumerate(babe.texts):
        extra: list[float] = []
        if mode in ("sg1", "sg1mbic") and sg1.get(text.strip()) in ("Biased", "Non-biased"):
            extra += [float(sg1[text.strip()] == "Biased")] * 2  # an expert panel counts as two votes
        if mode == "sg1mbic" and mbic.get(text.strip()) in ("Biased", "Non-biased"):
            extra.append(float(mbic[text.strip()] == "Biased"))
        if extra:
            babe.agreement[i] = (babe.agreement[i] * SG2_VOTES + sum(extra)) / (SG2_VOTES + len(extra))
    t0 = time.time()
    out = tf.run_cv(res, "stratified-article", accurate=False, n_jobs=2)
    print(mode, json.dumps(out["fast"]), json.dumps(out["phrases"]["f1"]), f"{time.time() - t0:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "base")
