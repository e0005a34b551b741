"""`kinlink match` CSV command: happy path and every bad-input error."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from kinlink.matching.cli import main
from kinlink.matching.csvio import OUTPUT_COLUMNS

HEADER = (
    "id,given_name,family_name,middle_name,sex,date_of_birth,age,place_of_origin,"
    "mother_name,father_name\n"
)
CHILDREN = HEADER + (
    "c1,Oleksandr,Shevchenko,Petrovych,m,2014-05-03,,Kharkiv,Olena Shevchenko,\n"
    "c2,Mariia,Shevchenko,Petrivna,f,2011-02-09,,Kharkiv,Olena Shevchenko,\n"
    "c3,Muhammad,Rahimov,,m,2016-01-01,,Kulob,Zarina Rahimova,\n"
    "c4,Nino,Beridze,,f,,9.5,Batumi,,\n"
)
REQUESTS = HEADER + (
    "r1,Александр,Шевченко,,м,,10,Харків,,\nr2,محمد,رحیموف,,,,8,,,\nr3,ნინო,ბერიძე,,,,,,,\n"
)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def run(tmp_path, children=CHILDREN, requests=REQUESTS, *extra):
    c = write(tmp_path, "children.csv", children)
    r = write(tmp_path, "requests.csv", requests)
    out = tmp_path / "matches.csv"
    code = main([str(c), str(r), "--out", str(out), "--reference-date", "2024-06-01", *extra])
    return code, out


def test_happy_path(tmp_path, capsys):
    code, out = run(tmp_path, CHILDREN, REQUESTS, "--top", "2")
    assert code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert tuple(rows[0].keys()) == OUTPUT_COLUMNS
    best = {r["request_id"]: r for r in rows if r["rank"] == "1"}
    assert best["r1"]["child_id"] == "c1"
    assert best["r2"]["child_id"] == "c3"
    assert best["r3"]["child_id"] == "c4"
    assert best["r1"]["is_match"] == "true"
    assert "family name" in best["r1"]["explanation"]
    for rid in ("r1", "r2", "r3"):
        ranks = [int(r["rank"]) for r in rows if r["request_id"] == rid]
        assert ranks == sorted(ranks) and len(ranks) <= 2
        scores = [float(r["score"]) for r in rows if r["request_id"] == rid]
        assert scores == sorted(scores, reverse=True)
    assert list(tmp_path.glob(".*tmp")) == []


def test_accepts_leading_match_word_and_threshold(tmp_path):
    c = write(tmp_path, "children.csv", CHILDREN)
    r = write(tmp_path, "requests.csv", REQUESTS)
    out = tmp_path / "m.csv"
    assert main(["match", str(c), str(r), "--out", str(out), "--threshold", "1"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(r["is_match"] == "false" for r in rows)


def test_model_file(tmp_path):
    from kinlink.matching import FellegiSunterModel

    m = FellegiSunterModel(threshold=0.999999999)
    mp = tmp_path / "params.json"
    m.save(mp)
    code, out = run(tmp_path, CHILDREN, REQUESTS, "--model", str(mp))
    assert code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert any(r["is_match"] == "false" and r["rank"] == "1" for r in rows)


@pytest.mark.parametrize(
    "which,content,message,row",
    [
        ("children", "given_name,family_name\nIvan,Petrov\n", "required column 'id'", "row 1"),
        ("requests", HEADER + "r1,Ivan,Petrov,,m,2019-02-30,,,,\n", "not a real date", "row 2"),
        ("requests", HEADER + "r1,Ivan,Petrov,,m,30.01.2019,,,,\n", "YYYY-MM-DD", "row 2"),
        ("children", HEADER + "c1,Ivan,,,,,,,,\nc2,Anna,,,,,ten,,,\n", "not a number", "row 3"),
        ("children", HEADER + "c1,Ivan,,,,,,,,\nc1,Anna,,,,,,,,\n", "duplicate id", "row 3"),
        ("children", HEADER + "c1,Ivan,,,,,,,,\n,Anna,,,,,,,,\n", "empty id", "row 3"),
        (
            "requests",
            b"id,given_name\nr1,Ivan\nr2,\xc0\xeb\xe5\xea\xf1\xe5\xe9\n",
            "UTF-8",
            "row 3",
        ),
        ("children", "", "empty", "row 1"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, which, content, message, row):
    kwargs = {which: content}
    out = tmp_path / "matches.csv"
    code, out = run(tmp_path, kwargs.get("children", CHILDREN), kwargs.get("requests", REQUESTS))
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert f"{which}.csv" in err and row in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["children.csv", "requests.csv"]


def test_error_keeps_previous_output_intact(tmp_path):
    out = tmp_path / "matches.csv"
    out.write_text("old\n")
    c = write(tmp_path, "children.csv", HEADER + "c1,Ivan,,,,2019-13-01,,,,\n")
    r = write(tmp_path, "requests.csv", REQUESTS)
    assert main([str(c), str(r), "--out", str(out)]) == 2
    assert out.read_text() == "old\n"


def test_usage_errors(tmp_path, capsys):
    assert main([]) == 2
    assert main(["a.csv", "b.csv"]) == 2  # --out missing
    code, _ = run(tmp_path, CHILDREN, REQUESTS, "--top", "0")
    assert code == 2
    assert main(["--help"]) == 0
    assert "kinlink match" in capsys.readouterr().out


def test_missing_file(tmp_path, capsys):
    assert (
        main(
            [
                str(tmp_path / "nope.csv"),
                str(tmp_path / "nope2.csv"),
                "--out",
                str(tmp_path / "o.csv"),
            ]
        )
        == 2
    )
    assert "nope.csv" in capsys.readouterr().err


def test_python_dash_m(tmp_path):
    c = write(tmp_path, "children.csv", CHILDREN)
    r = write(tmp_path, "requests.csv", REQUESTS)
    out = tmp_path / "m.csv"
    src = Path(__file__).resolve().parents[2] / "src"
    proc = subprocess.run(
        [sys.executable, "-m", "kinlink.matching", str(c), str(r), "--out", str(out)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").startswith(",".join(OUTPUT_COLUMNS))
    bad = write(tmp_path, "bad.csv", "x\n1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "kinlink.matching", str(bad), str(r), "--out", str(out)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 2 and "bad.csv" in proc.stderr
