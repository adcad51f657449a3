import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded files land in a fresh folder per test, so storage can be inspected."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def media(_media):
    return _media


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
