"""The example notebook runs from top to bottom (the notebook tools are in the dev extra)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"


def test_batch_notebook_executes(monkeypatch: pytest.MonkeyPatch) -> None:
    import nbclient
    import nbformat

    # The kernel starts in examples/: make it import this checkout's costcalc, not an installed one.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    notebook = nbformat.read(EXAMPLES / "batch.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("Batch estimate" in h for h in html)
    assert sum("Estimate against actual" in h for h in html) == 3  # OpenAI, Anthropic, Gemini
    assert any("image/png" in o.get("data", {}) for o in outputs)
