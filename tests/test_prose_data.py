"""eval/prose_data.py: which file holds each annotated document and which examples are its rows
(shared by eval/prose_pooled.py and eval/prose_states.py)."""

from __future__ import annotations

import hashlib

import pytest

from tests.eval_modules import load_eval


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        # examples of two documents interleaved: rows stay in data order, documents in sha256 order
        (["a", "b", "a", "b"], {"a": [0, 2], "b": [1, 3]}),
        (["b", "b", "b"], {"b": [0, 1, 2]}),
        ([], {}),
    ],
)
def test_annotated_paths_group_rows_per_document(tmp_path, order, expected):
    pd = load_eval("prose_data")
    texts = {"a": "Sykefraværet gikk ned.", "b": "Målet er økt nærvær."}
    files = []
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
        files.append(tmp_path / f"{name}.txt")
    (tmp_path / "copy.txt").write_text(texts["a"], encoding="utf-8")  # same bytes later: the first file wins
    files.append(tmp_path / "copy.txt")
    data = [pd.Example(_sha(texts[k]), "train", 0, 5, texts[k][:5]) for k in order]
    got = pd.annotated_paths(data, files)
    want = sorted((_sha(texts[k]), tmp_path / f"{k}.txt", rows) for k, rows in expected.items())
    assert got == want


def test_a_document_no_file_holds_is_an_error(tmp_path):
    pd = load_eval("prose_data")
    with pytest.raises(KeyError):
        pd.annotated_paths([pd.Example(_sha("absent"), "train", 0, 1, "a")], [])
