"""Several typefaces with full Vietnamese: the generator prints a document in each."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from sohoa.commands.eval_corpus import write_corpus
from sohoa.samples import render
from sohoa.samples.documents import document_for_index
from sohoa.samples.fonts import FACES, find_font, installed_faces
from sohoa.samples.page_kinds import in_face


def test_setup_installs_every_face_and_each_has_its_own_files() -> None:
    assert (
        installed_faces() == FACES
    )  # scripts/setup.sh installs fonts-liberation2, fonts-noto-core
    files = {face: find_font("serif", face=face).name for face in FACES}
    assert files == {
        "dejavu": "DejaVuSerif.ttf",
        "liberation": "LiberationSerif-Regular.ttf",
        "noto": "NotoSerif-Regular.ttf",
    }


def test_a_document_printed_in_each_face_keeps_its_text_and_looks_different() -> None:
    doc = document_for_index(2, 1)
    pages = {}
    for face in FACES:
        printed = in_face(doc, face)
        assert printed.face == face and printed.fields == doc.fields
        assert " ".join(printed.lines).split() == " ".join(doc.lines).split()
        pages[face] = np.asarray(render(printed).convert("L"))
    assert not np.array_equal(pages["dejavu"], pages["liberation"])
    assert not np.array_equal(pages["liberation"], pages["noto"])


def test_corpus_cycles_faces_over_rounds_of_profiles(tmp_path: Path) -> None:
    write_corpus(tmp_path, 6, seed=1, profiles=("clean", "counter"), faces=FACES)
    faces = [
        json.loads(p.read_text(encoding="utf-8"))["face"]
        for p in sorted(tmp_path.glob("*.degrade.json"))
    ]
    assert faces == ["dejavu", "dejavu", "liberation", "liberation", "noto", "noto"]
    write_corpus(tmp_path / "default", 2, seed=1, profiles=("clean",))
    assert all(
        json.loads(p.read_text(encoding="utf-8"))["face"] == "dejavu"
        for p in (tmp_path / "default").glob("*.degrade.json")
    )
