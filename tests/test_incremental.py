"""Incremental builds: only what an edit touches is rendered again, and the result is
exactly the site a clean build makes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from newsdesk.clock import make_clock
from newsdesk.content.catalog import load_catalog
from newsdesk.content.errors import ContentErrors
from newsdesk.engine.cache import CACHE_DIR, BuildCache
from newsdesk.settings import Settings
from tests.conftest import (
    REPO,
    SAMPLE_TODAY,
    Project,
    debug_told,
    make_project,
    site_files,
    told_after,
)


def sample_project(root: Path) -> Project:
    """A copy of the sample newsroom, with a cache of its own."""
    root.mkdir(parents=True)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "templates").symlink_to(REPO / "templates")
    return Project(root)


def build(project: Project, site: Path | None = None, today: str = SAMPLE_TODAY) -> None:
    result = project.run("build", "--site-dir", str(site or project.site), "--today", today)
    assert result.exit_code == 0, result.output


def cached(project: Project) -> BuildCache:
    return BuildCache(project.root / CACHE_DIR)


def markdown_entries(project: Project) -> set[str]:
    return {key for key, _ in cached(project).markdown.keys()}


def inode(project: Project, url: str) -> int:
    return (project.site / url / "index.html").stat().st_ino


def edit(project: Project, src_uri: str, old: str, new: str) -> None:
    path = project.root / "content" / src_uri
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {src_uri}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITED = "news/green-deal-clusters-climate-neutral-europe.md"
UNRELATED = "events/bulgarian-national-cluster-conference-2019"


def search_shards(project: Project) -> set[str]:
    return {key for key, _ in cached(project).search.keys()}


def shard_entries(project: Project) -> dict[str, int]:
    """Each search shard's entry file, by its folder: which file it is (its inode)."""
    index = project.site / "pagefind"
    shards = json.loads((index / "shards.json").read_text(encoding="utf-8"))["shards"]
    return {
        shard["path"]: (index / shard["path"] / "pagefind-entry.json").stat().st_ino
        for shard in shards
    }


def test_one_edit_renders_what_shows_it_and_converts_one_body(tmp_path: Path):
    project = sample_project(tmp_path / "newsroom")
    build(project)
    converted = markdown_entries(project)
    untouched = inode(project, UNRELATED)
    edited = inode(project, "news/green-deal-clusters-climate-neutral-europe")
    shards = search_shards(project)
    entries = shard_entries(project)

    text = (project.root / "content" / EDITED).read_text(encoding="utf-8")
    (project.root / "content" / EDITED).write_text(text + "\nOne more sentence.\n")
    build(project)

    assert len(markdown_entries(project) - converted) == 1  # only the edited body
    assert len(search_shards(project) - shards) == 1  # only the edited item's shard is indexed
    assert inode(project, UNRELATED) == untouched  # the same finished page, not rendered again
    # The other search shards, which no page of them changed, are those the last build wrote.
    after = shard_entries(project)
    assert after.keys() == entries.keys() and len(entries) > 2
    assert [shard for shard in entries if after[shard] != entries[shard]] == ["2020-01-2020-11/"]
    assert inode(project, "news/green-deal-clusters-climate-neutral-europe") != edited
    page = (project.site / "news/green-deal-clusters-climate-neutral-europe/index.html").read_text()
    assert "One more sentence." in page


def test_a_sequence_of_edits_ends_in_the_bytes_of_a_clean_build(tmp_path: Path):
    project = sample_project(tmp_path / "newsroom")
    build(project)

    # A body and a title: the item's page, listings, tag pages, feeds and editions show it.
    edit(project, EDITED, "title: ", "title: Revised, ")
    build(project)
    # A new item with a tag.
    project.write(
        "news/berlin-conference-programme-online.md",
        """
        ---
        title: Berlin conference programme is online
        date: 2020-02-20
        summary: The programme of the European Cluster Conference in Berlin is published.
        tags: [cluster-policy]
        ---
        Sessions on the green and digital transitions fill the two days.
        """,
    )
    build(project)
    # An event moved: upcoming and past listings, calendars, the home page.
    edit(
        project,
        "events/bulgarian-national-cluster-conference-2019.md",
        "start: 2019-03-26\nend: 2019-03-27",
        "start: 2020-03-26\nend: 2020-03-27",
    )
    build(project)
    # An item deleted, and the cache partly damaged.
    (project.root / "content" / "interviews").joinpath(
        sorted(p.name for p in (project.root / "content" / "interviews").glob("*.md"))[0]
    ).unlink()
    damaged = min(markdown_entries(project))
    cached(project).database.run("UPDATE entries SET data = ? WHERE key = ?", b"{not json", damaged)
    build(project)

    clean = sample_project(tmp_path / "clean")
    shutil.rmtree(clean.root / "content")
    shutil.copytree(project.root / "content", clean.root / "content")
    build(clean)

    incremental, fresh = site_files(project.site), site_files(clean.site)
    assert "news/berlin-conference-programme-online/index.html" in incremental
    assert sorted(incremental) == sorted(fresh)
    assert [name for name in incremental if incremental[name] != fresh[name]] == []


def test_a_load_that_reuses_the_last_one_makes_the_catalog_a_fresh_load_makes(tmp_path: Path):
    project = sample_project(tmp_path / "newsroom")
    content = project.root / "content"
    settings = Settings(
        docs_dir=content,
        project_dir=project.root,
        clock=make_clock(SAMPLE_TODAY, "Europe/Brussels"),
    )
    earlier = load_catalog(settings)
    edit(project, EDITED, "title: ", "title: Revised, ")
    edit(project, f"{UNRELATED}.md", "title: ", "draft: true\ntitle: ")
    (content / "news/harbour-clusters-meet.md").write_text(
        "---\ntitle: Harbour clusters meet in Rotterdam\ndate: 2020-03-10\n"
        "summary: Port clusters from six countries met to plan shared work.\n"
        "tags: [energy]\n---\nPort clusters met in Rotterdam.\n",
        encoding="utf-8",
    )
    written = [EDITED, f"{UNRELATED}.md", "news/harbour-clusters-meet.md"]
    reused = load_catalog(settings, earlier, written)
    assert reused == load_catalog(settings)
    titles = {item.src_uri: item.title for item in reused.items()}
    assert titles[EDITED].startswith("Revised, ") and f"{UNRELATED}.md" not in titles

    # A new vocabulary checks every item against it, even those whose files are as they were.
    edit(project, "taxonomy.yml", "  energy: Energy\n", "")
    try:
        load_catalog(settings, reused, ["taxonomy.yml"])
    except ContentErrors as exc:
        assert any("energy" in str(error) for error in exc.errors)
    else:
        raise AssertionError("an item tagged with a word gone from the vocabulary loaded")


MERMAID_FENCES = """
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""
"""Material's documented setup for Mermaid diagrams: a fence formatted by a function."""


def build_in_a_new_process(project: Project, program: Path = REPO / "build.py") -> str:
    """``python build.py build`` on ``project``, as an editor runs it; what it printed."""
    command = [sys.executable, str(program), "build", "--today", SAMPLE_TODAY]
    result = subprocess.run(command, cwd=project.root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_a_site_with_mermaid_diagrams_built_again_by_a_new_process_is_up_to_date(
    tmp_path: Path,
):
    """Each ``python build.py build`` is a new process: the function mkdocs.yml names for
    Mermaid's fences is at another address in each, and must not make every build a full
    one."""
    project = make_project(tmp_path / "newsroom")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text() + MERMAID_FENCES)
    diagram = "```mermaid\ngraph LR\n  Cluster --> Partner\n```"
    project.write(
        "news/diagram.md",
        f"---\ntitle: Diagram\ndate: 2020-02-01\nsummary: A diagram.\n---\n{diagram}\n",
    )

    assert "built" in build_in_a_new_process(project)
    assert '<pre class="mermaid"><code>graph LR' in project.page("news/diagram")
    again = build_in_a_new_process(project)
    assert "is up to date: nothing it is made of has changed" in again


def test_a_newly_vendored_decap_cms_reaches_the_site_and_leaves_its_pages_as_they_were(
    tmp_path: Path,
):
    """``scripts/vendor-decap-cms`` replaces the editing screen's bundle in Newsdesk's
    code. The screen's copy in the site is what changes; no page shows the bundle, so
    none is rendered again for it."""
    code = tmp_path / "newsdesk-release"  # a copy of Newsdesk whose bundle can change
    shutil.copytree(
        REPO / "newsdesk", code / "newsdesk", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REPO / "build.py", code / "build.py")
    project = make_project(tmp_path / "newsroom")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text() + "      editor:\n        local_port: 8081\n")
    project.write(
        "news/a.md", "---\ntitle: A\ndate: 2020-02-01\nsummary: About A.\n---\nA story.\n"
    )
    assert "built" in build_in_a_new_process(project, code / "build.py")
    page = inode(project, "news/a")

    bundle = code / "newsdesk/editor/decap/decap-cms.js"
    newer = bundle.read_bytes() + b"\n// a newer Decap CMS\n"
    bundle.write_bytes(newer)
    told = build_in_a_new_process(project, code / "build.py")
    assert "up to date" not in told
    assert (project.site / "admin/decap/decap-cms.js").read_bytes() == newer
    assert inode(project, "news/a") == page  # linked from the last site, not rendered again
    assert "up to date" in build_in_a_new_process(project, code / "build.py")


def test_an_edit_to_the_project_s_templates_shows_in_the_next_build_of_the_same_process(
    project: Project,
):
    """What is installed is read once per process; the project's templates are read for
    every build, since an editor changes them while the preview runs."""
    templates = project.root / "templates"
    templates.unlink()
    shutil.copytree(REPO / "templates", templates)
    project.write(
        "news/a.md", "---\ntitle: A\ndate: 2020-02-01\nsummary: About A.\n---\nA story.\n"
    )
    build(project)
    item = templates / "site/newsdesk/item.html"
    item.write_text(item.read_text().replace("{% block content %}", "{% block content %}Edited"))
    build(project)
    assert "Edited" in project.page("news/a")


def told_by(project: Project, phrase: str) -> str:
    """What ``build`` tells (with --debug) on its line that says ``phrase``."""
    with debug_told() as told:
        build(project)
    return told_after(told, phrase)


def test_a_new_build_makes_again_only_the_views_an_edit_changes(tmp_path: Path):
    """The views of the last build are kept in the cache: a build after one edit, in a
    process of its own, makes again only those of the edited item and of the pages that
    show it beside others (its related items'), and writes what a clean build writes."""
    project = sample_project(tmp_path / "newsroom")
    first = told_by(project, "views of items: ")
    made, _, kept = first.partition(" made, of ")
    assert kept == "0 the last made" and int(made) > 400
    edit(project, EDITED, "\n---\n", "\n---\nOne more paragraph first.\n\n")
    made, _, kept = told_by(project, "views of items: ").partition(" made, of ")
    assert 0 < int(made) <= 12, made  # the item's own views, and pages relating to it
    assert int(kept.split()[0]) > 400
    clean = tmp_path / "clean"
    shutil.rmtree(project.root / CACHE_DIR)
    build(project, clean)
    assert site_files(project.site) == site_files(clean)


def test_a_fresh_checkout_with_the_cache_restored_reads_what_changed_alone(tmp_path: Path):
    """A checkout elsewhere, with the cache restored and every file's time of change new,
    is recognised by the hashes of its files: the views are the last build's."""
    project = sample_project(tmp_path / "newsroom")
    build(project)
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("mkdocs.yml", "templates", CACHE_DIR):
        source = project.root / name
        if source.is_symlink():
            (clone / name).symlink_to(source.readlink())
        elif source.is_dir():
            shutil.copytree(source, clone / name)
        else:
            shutil.copy(source, clone / name)
    shutil.copytree(project.root / "content", clone / "content", copy_function=shutil.copy)
    assert (clone / "content" / EDITED).stat().st_mtime_ns != (
        project.root / "content" / EDITED
    ).stat().st_mtime_ns
    again = Project(clone)
    made, _, kept = told_by(again, "views of items: ").partition(" made, of ")
    assert int(made) == 0 and int(kept.split()[0]) > 400
    assert site_files(again.site) == site_files(project.site)
