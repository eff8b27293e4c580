"""Parsing with spaCy's packaged pipeline, with two of its components replaced by exact,
vectorised equivalents.

In en_core_web_sm, `attribute_ruler` (179 Matcher patterns: the tag map from TAG to POS and
MORPH, plus exceptions) and the rule `lemmatizer` visit every token from Python and took about
18% of the parse of a 600-word article. `FastAttributeRuler` evaluates the same patterns over
`Doc.to_array` columns with numpy and writes the result back with `Doc.from_array`;
`FastLemmatizer` calls spaCy's own lemmatizer once per distinct (ORTH, POS, MORPH), which are
exactly the inputs its rules read, and caches the answer. Every token ends with the same TAG,
POS, MORPH, LEMMA and DEP as under `nlp.pipe` (checked in tests/nlp/test_pipeline.py). A
pattern feature outside the supported set makes the original component run instead.

Matrix products: thinc's default CPU ops call BLIS; on this machine (BLIS 1.3.4, numpy's
OpenBLAS 0.3.31) numpy's OpenBLAS with one thread parses the same articles about 25-35% faster
with identical output (every TAG, POS, MORPH, LEMMA, DEP, HEAD and entity of 400 articles).
`prepare` switches the models' ops once; `parse` holds OpenBLAS to one thread while it runs
(more threads were slower here, and worker processes would oversubscribe the cores).

`parse` chains the components' own `pipe` methods, so the pipeline itself (components, their
order and settings) is used as loaded; only the models' ops are switched.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens._retokenize import set_token_attrs

__all__ = ["parse", "prepare", "FastAttributeRuler", "FastLemmatizer"]

_MATCH_ATTRS = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}
_BULK = (POS, MORPH, LEMMA)  # written with Doc.from_array; any other attribute token by token


class Unsupported(Exception):
    pass


class _Cond:
    """One condition of one pattern token, evaluated over a column of uint64 values."""

    __slots__ = ("col", "kind", "value", "regex", "cache", "members", "strings")

    def __init__(self, col: int, kind: str, value: Any, regex: re.Pattern[str] | None = None, strings: Any = None) -> None:
        self.col, self.kind, self.value, self.regex, self.strings = col, kind, value, regex, strings
        self.cache: dict[int, bool] = {}
        self.members = frozenset(value.tolist()) if isinstance(value, np.ndarray) else frozenset()

    def possible(self, present: set[int]) -> bool:
        """False when no token of the doc can meet this condition (`present`: its values)."""
        if self.kind == "eq":
            return self.value in present
        if self.kind == "in":
            return not present.isdisjoint(self.members)
        if self.kind == "regex":
            return any(self._matches(key) for key in present)
        return True

    def _matches(self, key: int) -> bool:
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self.regex.search(self.strings[key]) is not None  # the Matcher's REGEX is re.search
        return hit

    def mask(self, cols: np.ndarray, present: set[int]) -> np.ndarray:
        column = cols[:, self.col]
        if self.kind == "eq":
            return column == self.value
        if self.kind == "in":
            return np.isin(column, self.value)
        if self.kind == "not_in":
            return ~np.isin(column, self.value)
        assert self.kind == "regex"
        return np.isin(column, np.array([key for key in present if self._matches(key)], dtype=np.uint64))


class FastAttributeRuler:
    """spaCy's AttributeRuler semantics (all matches found first, then applied in pattern order,
    later patterns winning) for fixed-length patterns over TAG, LOWER, DEP and IS_SPACE with
    equality, IN, NOT_IN and REGEX."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        self.vocab = ruler.vocab
        strings = self.vocab.strings
        self.cols = [TAG, LOWER, DEP, IS_SPACE]
        col_of = {name: i for i, name in enumerate(_MATCH_ATTRS)}
        self.rules: list[tuple[list[list[list[_Cond]]], int, dict[int, int]]] = []
        patterns_by_key = {int(strings[key]): pats for key, pats in self._matcher_patterns(ruler)}
        for attr_id, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices)):
            alternatives = []
            for pattern in patterns_by_key.get(attr_id, []):
                tokens = []
                for spec in pattern:
                    conds = []
                    for name, value in spec.items():
                        if name not in _MATCH_ATTRS:
                            raise Unsupported(name)
                        col = col_of[name]
                        conds.append(self._cond(col, name, value, strings))
                    tokens.append(conds)
                if not tokens:
                    raise Unsupported("empty pattern")
                alternatives.append(tokens)
            if any(not isinstance(k, int) or not isinstance(v, int) for k, v in attrs.items()):
                raise Unsupported("extension attributes")  # normalised attrs are ids -> hashes, "_" is not
            attrs = {int(k): int(v) for k, v in attrs.items()}
            self.rules.append((alternatives, index, attrs))
        # Runs of one-condition equality patterns on the same column (the tag map: TAG -> POS,
        # MORPH) become one table lookup: value -> attributes, merged in order (later wins).
        self.plan: list[tuple[str, Any]] = []
        for rule in self.rules:
            alternatives, index, attrs = rule
            simple = (len(alternatives) == 1 and len(alternatives[0]) == 1 and len(alternatives[0][0]) == 1
                      and alternatives[0][0][0].kind == "eq" and all(a in _BULK for a in attrs))
            if simple:
                cond = alternatives[0][0][0]
                if self.plan and self.plan[-1][0] == "table" and self.plan[-1][1][0] == cond.col:
                    self.plan[-1][1][1].setdefault(cond.value, {}).update(attrs)
                else:
                    self.plan.append(("table", (cond.col, {cond.value: dict(attrs)})))
            else:
                self.plan.append(("rule", rule))

    @staticmethod
    def _matcher_patterns(ruler: AttributeRuler) -> list[tuple[Any, list[list[dict[str, Any]]]]]:
        out = []
        for i in range(len(ruler.attrs)):
            key = ruler.vocab.strings.add(str(i))
            if key not in ruler.matcher:
                continue
            _on_match, patterns = ruler.matcher.get(key)
            out.append((key, patterns))
        return out

    @staticmethod
    def _cond(col: int, name: str, value: Any, strings: Any) -> _Cond:
        def h(v: Any) -> int:
            if name == "IS_SPACE":
                if not isinstance(v, bool):
                    raise Unsupported("IS_SPACE value")
                return int(v)
            if not isinstance(v, str):
                raise Unsupported(f"{name} value {v!r}")
            return int(strings.add(v)) if v else 0

        if not isinstance(value, dict):
            return _Cond(col, "eq", h(value))
        if len(value) != 1:
            raise Unsupported(f"{name} {value!r}")
        (op, arg), = value.items()
        if op == "IN":
            return _Cond(col, "in", np.array([h(v) for v in arg], dtype=np.uint64))
        if op == "NOT_IN":
            return _Cond(col, "not_in", np.array([h(v) for v in arg], dtype=np.uint64))
        if op == "REGEX" and name == "LOWER":
            return _Cond(col, "regex", None, re.compile(arg), strings)
        raise Unsupported(f"{name} {op}")

    def __call__(self, doc: Any) -> Any:
        n = len(doc)
        if n == 0:
            return doc
        if not doc.has_annotation("DEP"):
            return self.ruler(doc)
        cols = doc.to_array(self.cols)
        # the values present in the doc, per column: most exception patterns name a word or tag
        # the doc does not contain, and are skipped without touching the arrays
        present = [set(np.unique(cols[:, c]).tolist()) for c in range(cols.shape[1])]
        # attribute id -> (token positions, values) in application order; later writes win
        writes: dict[int, tuple[list[np.ndarray], list[int]]] = {}
        for kind, item in self.plan:
            if kind == "table":
                col, table = item
                column = cols[:, col]
                for value in present[col].intersection(table):
                    where = np.flatnonzero(column == value)
                    for attr, v in table[value].items():
                        positions, values = writes.setdefault(attr, ([], []))
                        positions.append(where)
                        values.append(v)
                continue
            alternatives, index, attrs = item
            hit = np.zeros(n, dtype=bool)
            for tokens in alternatives:
                length = len(tokens)
                if length > n or not all(cond.possible(present[cond.col]) for conds in tokens for cond in conds):
                    continue
                starts = np.ones(n - length + 1, dtype=bool)
                for j, conds in enumerate(tokens):
                    window = cols[j:j + n - length + 1]
                    for cond in conds:
                        starts &= cond.mask(window, present[cond.col])
                        if not starts.any():
                            break
                    if not starts.any():
                        break
                if starts.any():
                    offset = index if index >= 0 else length + index
                    if not 0 <= offset < length:
                        return self.ruler(doc)  # let spaCy raise its own error
                    hit[np.flatnonzero(starts) + offset] = True
            if hit.any():
                where = np.flatnonzero(hit)
                for attr, value in attrs.items():
                    positions, values = writes.setdefault(attr, ([], []))
                    positions.append(where)
                    values.append(value)
        bulk = [a for a in _BULK if a in writes]
        if bulk:
            arr = doc.to_array(bulk)
            if arr.ndim == 1:
                arr = arr.reshape(-1, 1)
            for c, attr in enumerate(bulk):
                for where, value in zip(*writes[attr]):
                    arr[where, c] = value
            doc.from_array(bulk, arr)
        for attr, (positions, values) in writes.items():
            if attr in _BULK:
                continue
            final: dict[int, int] = {}
            for where, value in zip(positions, values):
                for i in where.tolist():
                    final[i] = value
            for i, value in final.items():
                set_token_attrs(doc[i], {attr: value})
        return doc

    def pipe(self, docs: Iterable[Any], batch_size: int = 128) -> Iterator[Any]:
        for doc in docs:
            yield self(doc)


class FastLemmatizer:
    """spaCy's rule lemmatizer, computed once per distinct (ORTH, POS, MORPH): the rules read
    only the token's text, POS and morphology, so the answer is the same for every token
    with that key."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        if lemmatizer.mode != "rule":
            raise Unsupported(lemmatizer.mode)
        if type(lemmatizer).rule_lemmatize is not Lemmatizer.rule_lemmatize:
            raise Unsupported("rule_lemmatize overridden")
        self.lemmatizer = lemmatizer
        self.strings = lemmatizer.vocab.strings
        self.cache: dict[tuple[int, int, int], int] = {}
        lookups = lemmatizer.lookups
        index_table = lookups.get_table("lemma_index", {})
        exc_table = lookups.get_table("lemma_exc", {})
        rules_table = lookups.get_table("lemma_rules", {})
        self.tables: dict[str, tuple[bool, frozenset[str], dict[str, list[str]], list[Any]]] = {}
        for univ_pos in {"adj", "adp", "adv", "aux", "cconj", "det", "intj", "noun", "num", "part", "pron", "propn",
                         "punct", "sconj", "sym", "verb", "x"}:
            index, exc, rules = index_table.get(univ_pos), exc_table.get(univ_pos), rules_table.get(univ_pos)
            self.tables[univ_pos] = (bool(index or exc or rules), frozenset(index or ()), exc or {}, list(rules or ()))

    def _rule_lemmatize(self, token: Any) -> str:
        """spaCy 3.8's `Lemmatizer.rule_lemmatize(token)[0]`, line for line, except that the
        lemma index is a set (spaCy tests `form in index` against a list of thousands of words)."""
        string = token.text
        univ_pos = token.pos_.lower()
        if univ_pos in ("", "eol", "space"):
            return string.lower()
        if self.lemmatizer.is_base_form(token):
            return string.lower()
        tables = self.tables.get(univ_pos)
        if tables is None:
            return self.lemmatizer.rule_lemmatize(token)[0]
        known, index, exceptions, rules = tables
        if not known:
            return string if univ_pos == "propn" else string.lower()
        orig = string
        string = string.lower()
        forms: list[str] = []
        oov_forms = []
        for old, new in rules:
            if string.endswith(old):
                form = string[: len(string) - len(old)] + new
                if not form:
                    pass
                elif form in index or not form.isalpha():
                    if form in index:
                        forms.insert(0, form)
                    else:
                        forms.append(form)
                else:
                    oov_forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in exceptions.get(string, []):
            if form not in forms:
                forms.insert(0, form)
        if not forms:
            forms.extend(oov_forms)
        if not forms:
            forms.append(orig)
        return forms[0]

    def __call__(self, doc: Any) -> Any:
        if len(doc) == 0:
            return doc
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
        overwrite = self.lemmatizer.overwrite
        lemmas = arr[:, 3].copy()
        cache, lemmatize, strings = self.cache, self._rule_lemmatize, self.strings
        changed = False
        for i, (orth, pos, morph, lemma) in enumerate(arr.tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                value = cache[key] = int(strings.add(lemmatize(doc[i])))
            lemmas[i] = value
            changed = True
        if changed:
            doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def pipe(self, docs: Iterable[Any], batch_size: int = 128) -> Iterator[Any]:
        for doc in docs:
            yield self(doc)


_COMPONENTS: dict[int, tuple[Any, list[tuple[str, Any]]]] = {}  # id -> (nlp, kept alive; components)
_CONTROLLER: list[Any] = []


def _numpy_blas(nlp: Any) -> None:
    """Give every CPU model node numpy-backed ops (OpenBLAS gemm) instead of BLIS."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _name, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps:
                node.ops = ops


def prepare(nlp: Any) -> list[tuple[str, Any]]:
    """Once per nlp object: numpy BLAS for its models, and the pipeline's enabled components
    with the two fast replacements where they apply."""
    key = id(nlp)
    if key not in _COMPONENTS:
        _numpy_blas(nlp)
        out = []
        for name, proc in nlp.pipeline:
            try:
                if isinstance(proc, AttributeRuler):
                    proc = FastAttributeRuler(proc)
                elif isinstance(proc, Lemmatizer):
                    proc = FastLemmatizer(proc)
            except Unsupported:
                pass
            out.append((name, proc))
        _COMPONENTS[key] = (nlp, out)
    return _COMPONENTS[key][1]



def _one_blas_thread() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # threadpoolctl comes with scikit-learn; without it, BLAS keeps its default
        return contextlib.nullcontext()
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


def parse(nlp: Any, docs: Iterable[Any], batch_size: int = 32) -> Iterator[Any]:
    """`nlp.pipe` over tokenised Docs, with the fast components and one BLAS thread."""
    stream: Iterable[Any] = docs
    for _name, proc in prepare(nlp):
        if hasattr(proc, "pipe"):
            stream = proc.pipe(stream, batch_size=batch_size)
        else:
            stream = (proc(doc) for doc in stream)
    with _one_blas_thread():
        yield from stream
