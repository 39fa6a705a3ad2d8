"""Fixtures shared across the test packages."""

import pytest

from speedprior.cli import main


@pytest.fixture
def cli(capsys):
    """Run the CLI in-process: cli(*argv) -> (exit code, stdout, stderr)."""

    def invoke(*argv):
        with pytest.raises(SystemExit) as stop:
            main(list(argv))
        out, err = capsys.readouterr()
        return stop.value.code, out, err

    return invoke
