import pytest

from speedprior.errors import ParseError
from speedprior.files import read_text


def test_reads_utf8(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text("name = 'é'\n", encoding="utf-8")
    assert read_text(path) == "name = 'é'\n"


@pytest.mark.parametrize(("content", "message"), [
    (b"\x7fELF\x00\x01", "NUL"),
    (b"\xff\xfe bad", "not UTF-8"),
])
def test_refuses_binary_and_non_utf8(tmp_path, content, message):
    path = tmp_path / "bad"
    path.write_bytes(content)
    with pytest.raises(ParseError, match=message):
        read_text(path, "machine file")


def test_refuses_missing_directory_and_large(tmp_path):
    with pytest.raises(ParseError, match="not found"):
        read_text(tmp_path / "nope")
    with pytest.raises(ParseError, match="not a regular file"):
        read_text(tmp_path)
    path = tmp_path / "big"
    path.write_text("x" * 100)
    with pytest.raises(ParseError, match="limit is 10"):
        read_text(path, max_bytes=10)
