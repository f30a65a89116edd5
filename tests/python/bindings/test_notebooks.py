"""The notebooks in examples/notebooks run without errors (nbclient, the
python3 kernel of Debian's ipykernel, the package from PYTHONPATH), show what
they are expected to (statements as HTML, figures as images), and are kept
in git with their outputs stripped."""
import os

import pytest

from conftest import SOURCE

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((SOURCE / "examples" / "notebooks").glob("*.ipynb"))
EXPECTED = {
    "citizen_lifetime.ipynb": ["<commonweal.Statement C0001 2024-25: closing balance", "refuses floats",
                               "VerifyReport(entries_checked=", "<iframe srcdoc="],
    "time_bank_year.ipynb": ["is refused: ", "below the credit limit of -10.00", "RefusedError refused",
                             "VerifyReport(entries_checked=", "<iframe srcdoc="],
    "reform_winners_losers.ipynb": ["<commonweal.Comparison 300 citizens: ", "winners by decile drawn",
                                    "lifetime picture drawn", "change in contributions over the run: ",
                                    "net_position", "<image/png>"],
}


def test_every_notebook_has_expectations():
    assert sorted(p.name for p in NOTEBOOKS) == sorted(EXPECTED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_without_errors(path, tmp_path, monkeypatch):
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets ipykernel's debugger warning
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first cell that fails
    text = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error"
            text.append(output.get("text", ""))
            text.append(output.get("data", {}).get("text/plain", ""))
            text.append(output.get("data", {}).get("text/html", ""))
            text.extend(f"<{kind}>" for kind in output.get("data", {}) if kind.startswith("image/"))  # a figure
    text = "\n".join(text)
    for expected in EXPECTED[path.name]:
        assert expected in text, expected
    assert os.listdir(tmp_path) == []  # in-memory ledgers, temporary files: nothing written beside the notebook
