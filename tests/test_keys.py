"""Keys of values: a page's fingerprint changes exactly when what it shows does, and the
Markdown setup's exactly when its settings do, whichever process works it out."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from mkdocs.config import load_config

from newsdesk.adapter.render import markdown_setup
from newsdesk.engine.keys import value_key
from newsdesk.site.views import Badge, Card
from tests.conftest import REPO, Project


def card(**changes: object) -> Card:
    fields = {"title": "Cluster week", "url": "events/week/", "kind": "Conference"}
    fields |= {
        "when": "1 June 2020",
        "summary": "A week.",
        "badges": (Badge("Upcoming", "upcoming"),),
    }
    return Card(**{**fields, **changes})


def test_equal_views_have_one_key_and_any_change_gives_another():
    assert value_key(card()) == value_key(card())
    assert value_key(card()) != value_key(card(title="Cluster weeks"))
    assert value_key(card()) != value_key(card(badges=(Badge("Upcoming", "past"),)))
    assert value_key(("a", "b")) != value_key(("ab",))  # lengths count


def test_a_date_time_keeps_its_zone_not_only_its_instant():
    brussels = datetime(2020, 4, 2, 17, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    offset = datetime(2020, 4, 2, 17, 0, tzinfo=timezone(timedelta(hours=2)))
    assert brussels == offset
    assert value_key(brussels) != value_key(offset)


def test_a_value_of_an_unknown_kind_is_refused_not_guessed():
    @dataclass
    class Holder:
        thing: object

    with pytest.raises(TypeError, match="no key for a object"):
        value_key(Holder(object()))


def test_a_function_or_a_class_a_configuration_names_is_keyed_by_its_name():
    """``!!python/name:pymdownx.superfences.fence_code_format`` in mkdocs.yml is the function
    itself: its key is its module and name, which are the same in every process."""
    from pymdownx import superfences

    fence = {"name": "mermaid", "class": "mermaid", "format": superfences.fence_code_format}
    assert value_key(fence) == value_key({**fence})
    assert value_key(fence) != value_key({**fence, "format": superfences.fence_div_format})
    assert value_key(superfences.SuperFencesCodeExtension) != value_key(fence["format"])
    assert value_key(len) != value_key(str.lower)


def test_a_function_without_a_name_that_leads_back_to_it_is_refused():
    def made_here(source: str) -> str:
        return source

    for nameless in (lambda source: source, made_here, "text".upper):
        with pytest.raises(TypeError, match="its name does not lead back to it"):
            value_key({"format": nameless})


def test_an_object_is_keyed_by_its_type_and_what_it_shows():
    """``!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}``, as Material's
    documentation sets ``toc``'s ``slugify``, is a partial of a function with arguments."""
    from pymdownx.slugs import slugify

    assert value_key(slugify(case="lower")) == value_key(slugify(case="lower"))
    assert value_key(slugify(case="lower")) != value_key(slugify(case="none"))

    class Options:
        def __init__(self, level: int) -> None:
            self.level = level
            self._seen = id(self)  # private: not what it is

    assert value_key(Options(2)) == value_key(Options(2))
    assert value_key(Options(2)) != value_key(Options(3))


def test_an_object_that_shows_nothing_of_itself_is_refused():
    class Hidden:
        def __init__(self, level: int) -> None:
            self._level = level

    for opaque in (Hidden(2), re.compile("x")):
        with pytest.raises(
            TypeError, match=r"no key for a \S*(Hidden|Pattern): say how it is written"
        ):
            value_key({"option": opaque})
    itself: list[object] = []
    itself.append(itself)
    with pytest.raises(TypeError, match="holds itself"):
        value_key(itself)


FENCES = """\
site_name: Fences
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: {css_class}
          format: !!python/name:pymdownx.superfences.{fence_format}
"""
"""Material's documented setup for Mermaid diagrams, with the fence's options to change."""

KEYS_OF = """
import sys
from mkdocs.config import load_config
from newsdesk.adapter.render import markdown_setup
for config_file in sys.argv[1:]:
    print(markdown_setup(load_config(config_file)))
"""


def fences_config(
    folder: Path, css_class: str = "mermaid", fence_format: str = "fence_code_format"
) -> Path:
    folder.mkdir(parents=True)
    (folder / "docs").mkdir()
    config_file = folder / "mkdocs.yml"
    config_file.write_text(FENCES.format(css_class=css_class, fence_format=fence_format))
    return config_file


def setup_keys_in_a_new_process(*config_files: Path) -> list[str]:
    """The Markdown setup's key of each configuration, worked out by another process."""
    command = [sys.executable, "-c", KEYS_OF, *map(str, config_files)]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def setup_key_here(config_file: Path) -> str:
    return markdown_setup(load_config(str(config_file)))


def test_the_markdown_setup_s_key_is_the_same_in_every_process(tmp_path: Path):
    """The key of the Markdown setup is part of every page's fingerprint: a key that
    changed with the process would render every page again in every build."""
    mermaid = fences_config(tmp_path / "mermaid")
    first, second = setup_keys_in_a_new_process(mermaid), setup_keys_in_a_new_process(mermaid)
    assert first == second == [setup_key_here(mermaid)]


def test_a_changed_fence_option_gives_another_key_in_any_process(tmp_path: Path):
    configs = [
        fences_config(tmp_path / "mermaid"),
        fences_config(tmp_path / "class", css_class="diagram"),
        fences_config(tmp_path / "format", fence_format="fence_div_format"),
    ]
    there = setup_keys_in_a_new_process(*configs)
    assert len(set(there)) == len(configs)
    assert there == [setup_key_here(config_file) for config_file in configs]


def test_a_markdown_setting_the_build_cannot_key_is_refused_naming_its_extension(
    project: Project,
):
    """A compiled pattern keeps what it matches out of its attributes: no key could tell
    two apart, so the build says where it is rather than guess."""
    config = project.root / "mkdocs.yml"
    opaque = """
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: !!python/object/apply:re.compile [mermaid]
          format: !!python/name:pymdownx.superfences.fence_code_format
"""
    config.write_text(config.read_text() + opaque)
    result = project.build()
    assert result.exit_code == 1
    told = "markdown_extensions: pymdownx.superfences: a setting holds what the build cannot"
    assert told in result.output
    assert "no key for a Pattern" in result.output
    assert not project.site.exists()
