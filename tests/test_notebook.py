"""The example notebook runs from top to bottom (the notebook tools are in the dev extra)."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).parents[1] / "examples"


def test_batch_notebook_executes() -> None:
    import nbclient
    import nbformat

    notebook = nbformat.read(EXAMPLES / "batch.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("Batch estimate" in h for h in html)
    assert any("Estimate against actual" in h for h in html)
    assert any("image/png" in o.get("data", {}) for o in outputs)
