"""``python -m costcalc``: the command line."""

from costcalc.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in the tests
    main()
