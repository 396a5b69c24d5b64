"""Measure Newsdesk at scale and compare it with plain MkDocs + Material. Not run by pytest.

    python benchmarks/run.py                    # N = 1,000 and 10,000
    python benchmarks/run.py --sizes 1000       # a quicker look

For each N it generates the seeded corpus (benchmarks/corpus.py) in benchmarks/.work/, then
measures, each in a fresh process, wall time and peak memory (of the build and every process
it starts, together), in this order:

- plain MkDocs + Material building the same corpus's bare pages (the Markdown bodies, no
  plugins but Material's default search), then a cold build: ``python build.py build`` with
  no site/ and no .cache/. The pair is measured twice (``--pairs``), and the faster run of
  each counts: the machine's speed may change from one minute to the next, and the pairs
  are listed under the table;
- a rebuild with nothing changed (which finds the site up to date: the same inputs, the
  site as the last build left it), and one after editing one news item: ``python build.py
  build`` again, with the cache the cold build left in ``.cache/``;
- the ``serve`` reload after editing one item's body, and after editing one item's title,
  each once the preview is idle (its search index made): the time the rebuild reports,
  and the time from saving the file to the browsers being told to reload (which adds the
  file watcher's notice and its wait for saves to settle);
- one edition rendered and inlined (the median of 20);
- before and after all that, the machine's speed: the time a fixed piece of work takes
  (converting the sample content's Markdown twenty times).

It prints a table and writes it, with the machine and these commands, to
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import markdown

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import write as write_corpus  # noqa: E402

PLAIN_CONFIG = """\
site_name: Plain MkDocs + Material
docs_dir: docs
theme:
  name: material
nav:
  - Home: index.md
validation:
  nav:
    omitted_files: ignore
"""
"""Items out of the navigation, as in Newsdesk: a navigation listing 10,000 pages on each of
them would make plain MkDocs quadratic, which is not the comparison."""


@dataclass
class Run:
    seconds: float
    peak_mb: float


@dataclass
class Reload:
    seconds: float
    """As the rebuild reports it."""
    to_browser: float
    """From saving the file to "Reloading browsers"."""
    how: str
    """"in place" or "full build"."""


@dataclass
class Row:
    size: int
    cold: Run
    unchanged: Run
    rebuild: Run
    body: Reload
    title: Reload
    plain: Run
    edition_ms: float
    pairs: list[tuple[Run, Run]]
    """Each plain MkDocs run and the cold build just after it."""


SAMPLE_EVERY = 0.25
"""Seconds between two readings of the build's memory. Reading a process's proportional
set size makes the kernel walk its memory (16 ms for a process of 850 MB here), on the
cores the build is using; the peaks (the workers', Pagefind's) last seconds, so four
readings a second find them."""


def timed(command: list[str], cwd: Path, memory: bool = False) -> Run:
    """Wall time of one command, and with ``memory`` its peak memory: the most that the
    command and every process it started (workers, Pagefind) held together, sampled every
    250 ms as their proportional set size, so that memory forked workers share is counted
    once. Sampling takes a tenth of the machine from a build of 10,000 items, so times are
    taken from runs that do not sample. What earlier steps wrote is flushed to disk first,
    so that the command does not wait for it."""
    os.sync()
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = 0.0
    if memory:
        while process.poll() is None:
            peak = max(peak, tree_memory_mb(process.pid))
            time.sleep(SAMPLE_EVERY)
    output, _ = process.communicate()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return Run(seconds, peak)


def tree_memory_mb(root: int) -> float:
    """The proportional set size of process ``root`` and all its descendants, in MB."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total_kb, pending = 0, [root]
    while pending:
        pid = pending.pop()
        pending += parents.get(pid, [])
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        found = re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE)
        total_kb += int(found.group(1)) if found else 0
    return total_kb / 1024


def edit_one_item(project: Path, stamp: str) -> Path:
    item = sorted((project / "content" / "news").glob("*.md"))[len(stamp) % 7]
    item.write_text(item.read_text(encoding="utf-8") + f"\nEdited for a benchmark ({stamp}).\n")
    return item


def edit_title(project: Path) -> None:
    item = sorted((project / "content" / "news").glob("*.md"))[3]
    text = item.read_text(encoding="utf-8")
    item.write_text(re.sub(r"^title: ", "title: Revised ", text, count=1, flags=re.MULTILINE))


def serve_reload(project: Path) -> tuple[Reload, Reload]:
    """The reload after one edit to a body, then after one to a title, while serving."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = project / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(log, r"search index ready", 1)  # the preview is idle
        body = _reload(log, lambda: edit_one_item(project, "serve"), 1)
        _wait_for(log, r"search index ready", 2)
        return body, _reload(log, lambda: edit_title(project), 2)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _reload(log: Path, edit: Callable[[], object], count: int) -> Reload:
    """Make ``edit`` and wait for the ``count``-th reload of the browsers."""
    saved = time.monotonic()
    edit()
    _wait_for(log, r"Reloading browsers", count, poll=0.01)
    to_browser = time.monotonic() - saved
    found = _wait_for(log, REBUILT, count + 1)  # the first build reports too
    return Reload(float(found[1]), to_browser, "in place" if found[0] else "full build")


REBUILT = r"(?:(Preview updated)|Documentation built) in ([\d.]+) seconds"


def _wait_for(
    log: Path, pattern: str, count: int, timeout: float = 1800, poll: float = 0.2
) -> str | tuple[str, ...]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.findall(pattern, log.read_text())
        if len(found) >= count:
            return found[count - 1]
        time.sleep(poll)
    raise SystemExit(f"timed out waiting for {pattern!r} in {log}")


def plain_project(project: Path, target: Path) -> None:
    """The corpus's Markdown bodies, as a plain MkDocs + Material site."""
    shutil.rmtree(target, ignore_errors=True)
    for source in (project / "content").rglob("*.md"):
        text = source.read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
        body = re.sub(r"\]\(\.\./[a-z]+/([a-z0-9-]+)\.md\)", r"](../\1.md)", body)
        destination = target / "docs" / source.relative_to(project / "content")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(body, encoding="utf-8")
    (target / "docs" / "index.md").write_text("# Plain MkDocs + Material\n")
    (target / "mkdocs.yml").write_text(PLAIN_CONFIG)


def machine_speed() -> float:
    """Seconds this machine takes, now, to convert the sample content's Markdown bodies
    twenty times over in one process: the same work every time, so that runs made while
    the machine was slower (a busy host, say) can be told apart."""
    bodies = [
        path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        for path in sorted((REPO / "content").rglob("*.md"))
    ]
    converter = markdown.Markdown(extensions=["toc", "tables", "attr_list", "footnotes"])
    start = time.perf_counter()
    for _ in range(20):
        for body in bodies:
            converter.reset()
            converter.convert(body)
    return time.perf_counter() - start


def edition_ms(project: Path) -> float:
    code = (
        "import statistics, time\n"
        "from mkdocs.config import load_config\n"
        "from newsdesk.content.catalog import load_catalog\n"
        "from newsdesk.content.selection import choose\n"
        "from newsdesk.newsletter.render import EditionRenderer\n"
        "from newsdesk.adapter.project import read_project\n"
        "project = read_project(load_config('mkdocs.yml')); settings = project.settings\n"
        "catalog = load_catalog(settings)\n"
        "renderer = EditionRenderer(catalog, settings, project.mail_settings())\n"
        "edition = catalog.collection('newsletters')[0]\n"
        "times = []\n"
        "for _ in range(20):\n"
        "    start = time.perf_counter()\n"
        "    renderer.render(choose(edition, catalog, settings.closing_soon_days))\n"
        "    times.append(time.perf_counter() - start)\n"
        "print(statistics.median(times) * 1000)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip())


def measure(size: int, work: Path, pairs: int) -> Row:
    project = work / f"corpus-{size}"
    print(f"N = {size}: writing the corpus", flush=True)
    write_corpus(project, size, 2020)
    build = [sys.executable, str(REPO / "build.py"), "build"]
    plain_dir = work / f"plain-{size}"
    plain_project(project, plain_dir)
    # Plain MkDocs just before each cold build, so that the machine is as busy for both.
    plain_build = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
    runs = []
    for number in range(pairs + 1):  # the last pair for memory alone
        for leftover in ("site", ".cache", *project.glob(".site.newsdesk-work-*")):
            shutil.rmtree(project / leftover, ignore_errors=True)
        shutil.rmtree(plain_dir / "site", ignore_errors=True)
        what = f"({number + 1})" if number < pairs else "(for memory)"
        print(f"N = {size}: plain MkDocs + Material, then a cold build {what}", flush=True)
        memory = number == pairs
        runs.append((timed(plain_build, plain_dir, memory), timed(build, project, memory)))
    (plain_memory, cold_memory), runs = runs[-1], runs[:-1]
    plain = min((plain_run for plain_run, _ in runs), key=lambda run: run.seconds)
    cold = min((cold_run for _, cold_run in runs), key=lambda run: run.seconds)
    plain, cold = Run(plain.seconds, plain_memory.peak_mb), Run(cold.seconds, cold_memory.peak_mb)
    print(f"N = {size}: rebuild with nothing changed", flush=True)
    unchanged = timed(build, project)
    edit_one_item(project, "build")
    print(f"N = {size}: rebuild after one edit", flush=True)
    rebuild = timed(build, project)
    edit_one_item(project, "memory")
    rebuild.peak_mb = timed(build, project, memory=True).peak_mb
    print(f"N = {size}: serve reload after one edit", flush=True)
    body, title = serve_reload(project)
    print(f"N = {size}: one edition", flush=True)
    return Row(size, cold, unchanged, rebuild, body, title, plain, edition_ms(project), runs)


def table(rows: list[Row]) -> str:
    lines = [
        "| items | cold build | rebuild, nothing changed | rebuild after one edit (build.py) "
        "| serve reload, body edit (to browser) | serve reload, title edit (to browser) "
        "| peak memory (cold; rebuild) | plain MkDocs + Material, bare pages | one edition |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.size:,} | {row.cold.seconds:.1f} s | {row.unchanged.seconds:.1f} s "
            f"| {row.rebuild.seconds:.1f} s "
            f"| {row.body.seconds:.2f} s ({row.body.to_browser:.2f} s), {row.body.how} "
            f"| {row.title.seconds:.2f} s ({row.title.to_browser:.2f} s), {row.title.how} "
            f"| {row.cold.peak_mb:,.0f} MB; {row.rebuild.peak_mb:,.0f} MB "
            f"| {row.plain.seconds:.1f} s, {row.plain.peak_mb:,.0f} MB | {row.edition_ms:.1f} ms |"
        )
    lines.append("")
    for row in rows:
        pairs = "; ".join(
            f"{plain.seconds:.1f} s then {cold.seconds:.1f} s ({cold.seconds / plain.seconds:.2f}×)"
            for plain, cold in row.pairs
        )
        lines.append(f"- {row.size:,} items, plain MkDocs then the cold build: {pairs}.")
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1) if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(re.search(r"MemTotal:\s*(\d+)", meminfo.read_text()).group(1))
        memory = f", {kilobytes / 1024 / 1024:.0f} GiB"
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}; Python {platform.python_version()} "
        f"on {platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument(
        "--pairs", type=int, default=2, help="runs of plain MkDocs, each then a cold build"
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    speed_before = machine_speed()
    rows = [measure(size, args.work, args.pairs) for size in args.sizes]
    speed_after = machine_speed()
    text = table(rows)
    print(text)
    results = HERE / "RESULTS.md"
    # Sections written by other scripts (scripts/lighthouse) stay as they are.
    others = results.read_text(encoding="utf-8").partition("\n## ")[2] if results.exists() else ""
    results.write_text(
        "# Benchmark results\n\n"
        f"Measured by `python benchmarks/run.py --sizes {' '.join(map(str, args.sizes))}` on "
        f"{time.strftime('%Y-%m-%d')}.\n\n"
        f"Machine: {machine()}. Its speed, as the time it took to convert the sample "
        f"content's Markdown twenty times over (the same work each time; lower is faster): "
        f"{speed_before:.2f} s before the run, {speed_after:.2f} s after.\n\n"
        f"{text}\n\n"
        "Each figure is one run in a fresh process (the cold build and plain MkDocs: the faster"
        " of two, listed above), after what earlier runs wrote is flushed to disk; plain MkDocs"
        " runs just before each cold build. Peak memory is the most that the build and every "
        "process it started (render workers, Pagefind) held at once, as proportional set size "
        "sampled every 250 ms, so memory that workers share counts once; it is measured in "
        "runs of their own (one more plain MkDocs and cold build, and a rebuild after another "
        "edit), since reading it takes a tenth of the machine from the build. A rebuild with "
        "nothing changed finds the site up to date (the same inputs, and every file of the "
        "site as the last build left it) and leaves it as it is. The corpus is "
        "`benchmarks/corpus.py` with seed 2020 (50% news, 20% events, 10% calls, 10% "
        "interviews, 10% knowledge, bodies of 300–600 words, 24 editions). The serve reloads "
        "follow an edit to one news item's body (the preview renders that page again) and then "
        "one to another's title (which listings, tag pages and feeds show, so the preview "
        "remakes what is made of the catalog, keeping what the edit leaves as it was, and "
        "renders the pages whose view changed), each made once the preview is idle; the table "
        "says whether the preview was updated in place or by a full build. The first figure is "
        "the rebuild's own report, the one in brackets runs from saving the file to the "
        "browsers being told to reload, so it adds the file watcher's notice (the system's, "
        "where it has one, else polling every 0.5 s) and its wait for edits to settle (0.1 s). "
        "While previewing, the search index is remade "
        "after the reload, in the background. "
        "To reproduce:\n\n"
        "```sh\npip install -e . && python benchmarks/run.py\n```\n"
        + (f"\n## {others}" if others else ""),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
