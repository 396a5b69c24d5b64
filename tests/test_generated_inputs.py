"""Generated content for every collection: nothing but a content error ever comes out of
the path ``check`` uses, and valid content makes feeds and calendars their readers read.
``scripts/generated-inputs`` runs the same with as many inputs as asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.conftest import SCRATCH_CONFIG, SCRATCH_TAXONOMY
from tests.generated import Harness, content_file

EXAMPLES = 300
"""In the suite; a few seconds. The script runs 100,000 for a release."""


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Harness:
    root = tmp_path_factory.mktemp("generated")
    config = SCRATCH_CONFIG.format(page_size=20, shard_pages=1000)
    return Harness(root, config, SCRATCH_TAXONOMY)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same inputs on every run of the suite
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content_file())
def test_generated_content_is_valid_or_an_editors_error(harness: Harness, file: tuple[str, str]):
    assert harness.run(*file) in ("valid", "errors")


def test_the_generator_makes_valid_content_too(harness: Harness):
    """Not only errors: a plain story goes all the way through the outputs."""
    story = "---\ntitle: Clusters meet\ndate: 2020-02-10\nsummary: A mission.\n---\nBody.\n"
    assert harness.run("news/a-story.md", story) == "valid"
    assert Path(harness.root / "content/news/a-story.md").is_file()
