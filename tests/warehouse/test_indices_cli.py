"""End to end: `python -m warehouse.indices` on small CSV files, output and exit codes."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"

SMALL_CSV = """period,product,price,quantity
2024-01,pet-clear-north,0.50,100
2024-01,alu-cans-north,1.00,50
2024-02,pet-clear-north,0.60,100
2024-02,alu-cans-north,1.20,50
2024-03,pet-clear-north,0.75,100
2024-03,alu-cans-north,0.75,50
"""


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the module as an analyst would, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "warehouse.indices", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    """Two materials in one zone over three months."""
    path = tmp_path / "prices.csv"
    path.write_text(SMALL_CSV)
    return path


def test_laspeyres_on_a_small_file_prints_the_exact_series(small_csv):
    """Base basket costs 100, then 120 and 112.5: the index is 1, 1.2, 1.125."""
    result = run("--input", str(small_csv), "--method", "laspeyres", "--decimals", "6")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "period,index\n2024-01,1.000000\n2024-02,1.200000\n2024-03,1.125000\n"
    assert result.stderr == ""


def test_full_precision_output_reads_back_as_the_computed_floats(small_csv):
    """Without --decimals every value is printed with round-trip precision."""
    result = run("--input", str(small_csv), "--method", "fisher-chained")
    lines = result.stdout.splitlines()
    assert lines[0] == "period,index" and lines[1] == "2024-01,1.0"
    # link 2: prices all x1.2; link 3: sqrt(L * P) with L = P = 112.5 / 120
    assert float(lines[2].split(",")[1]) == pytest.approx(1.2, abs=1e-15)
    assert float(lines[3].split(",")[1]) == pytest.approx(1.125, abs=1e-15)


def test_rolling_geks_from_the_command_line_matches_indexnumr():
    """--window 5 --splice half --splice-onto previous reproduces IndexNumR's half column."""
    result = run(
        "--input",
        str(DATA / "ces_sigma_2.csv"),
        "--method",
        "geks-tornqvist",
        "--window",
        "5",
        "--splice",
        "half",
        "--splice-onto",
        "previous",
        "--decimals",
        "7",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == ["11,1.1274679", "12,1.1327009"]


def test_sample_rules_report_drops_on_stderr_and_keep_stdout_clean(tmp_path):
    """A fivefold spike is dropped and reported; the index moves on the remaining product."""
    path = tmp_path / "spike.csv"
    path.write_text("period,product,price,quantity\n1,a,1,10\n1,b,1,10\n2,a,5,10\n2,b,1.1,10\n")
    result = run(
        "--input",
        str(path),
        "--method",
        "jevons",
        "--max-relative",
        "4",
        "--min-matched",
        "2",
        "--decimals",
        "4",
    )
    assert result.returncode == 0
    assert result.stdout == "period,index\n1,1.0000\n2,1.1000\n"
    assert "dropped: period 2 product a: price relative 5" in result.stderr
    assert "flagged: period 2 has 1 matched products (minimum 2)" in result.stderr


def test_stdin_input_is_accepted():
    """--input - reads the CSV from standard input."""
    result = run("--input", "-", "--method", "jevons", "--decimals", "3", stdin=SMALL_CSV)
    assert result.stdout.splitlines()[2] == "2024-02,1.200"


@pytest.mark.parametrize(
    ("csv_text", "args", "message"),
    [
        ("period,product,price\n1,a,1\n", [], "missing column(s) quantity"),
        ("period,product,price,quantity\n1,a,0,1\n", [], "line 2: price must be positive"),
        ("period,product,price,quantity\n1,a,2,-3\n", [], "line 2: quantity must be positive"),
        ("period,product,price,quantity\n1,a,1.2.3,1\n", [], "line 2: price '1.2.3' is not a"),
        ("period,product,price,quantity\n1,a,NaN,1\n", [], "line 2: price must be positive"),
        ("period,product,price,quantity\n2,a,1,1\n1,a,1,1\n", [], "line 3: period 1 comes after 2"),
        ("period,product,price,quantity\nJan 24,a,1,1\n", [], "line 2: cannot parse period"),
        ("period,product,price,quantity\n2024-01,a,1,1\n2024-W02,a,1,1\n", [], "mix formats"),
        ("period,product,price,quantity\n1,a,1,1\n2,b,1,1\n", [], "no product in common"),
        (SMALL_CSV, ["--window", "3"], "a window applies only to GEKS methods"),
    ],
)
def test_bad_input_exits_with_code_2_and_a_message(tmp_path, csv_text, args, message):
    """Every input error is reported on stderr with exit code 2 and nothing on stdout."""
    path = tmp_path / "bad.csv"
    path.write_text(csv_text)
    result = run("--input", str(path), "--method", "laspeyres", *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert message in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "carli"], "invalid choice: 'carli'"),
        (["--method", "geks-fisher", "--splice", "wisp"], "invalid choice: 'wisp'"),
        (["--method", "geks-fisher", "--window", "1"], "--window must be at least 2"),
        (["--method", "fisher", "--splice", "mean"], "--splice applies only to GEKS methods"),
    ],
)
def test_bad_options_exit_with_code_2(small_csv, args, message):
    """Unknown methods or splices and a window below 2 are usage errors (exit code 2)."""
    result = run("--input", str(small_csv), *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert message in result.stderr
