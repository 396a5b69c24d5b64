"""The page renderer: pages rendered in worker processes started afresh (``spawn``, as on
macOS and Windows) are the pages this process renders, byte for byte."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from newsdesk.adapter import render
from tests.conftest import Project, site_files

STORY = """\
---
title: Cluster story number {n}
date: 2020-02-{day:02d}
summary: The {n}th story of the cluster community, told in one line.
tags: [green-transition]
---
Clusters in region {n} met to plan [the next matchmaking](cluster-story-{other}.md).

## What comes next

A second meeting in spring.
"""


def write_stories(project: Project, count: int) -> None:
    for n in range(1, count + 1):
        other = n % count + 1
        project.write(f"news/cluster-story-{n}.md", STORY.format(n=n, day=n % 28 + 1, other=other))


def test_workers_started_with_spawn_render_the_same_pages_without_linux_only_calls(
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    write_stories(project, 12)
    monkeypatch.setattr(render, "PARALLEL_FROM", 10**9)
    serial = project.build()
    assert serial.exit_code == 0, serial.output
    alone = site_files(project.site)

    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)
    monkeypatch.setattr(render, "worker_count", lambda: 2)
    methods = []
    real_context = multiprocessing.get_context

    def recorded(method=None):
        methods.append(method)
        return real_context(method)

    monkeypatch.setattr(multiprocessing, "get_context", recorded)
    shared = project.root / ".cache"
    shared.rename(tmp_path / "first-cache")  # nothing from the first build's cache
    parallel = project.build()
    assert parallel.exit_code == 0, parallel.output
    assert methods == ["spawn"]  # the pages were rendered by a pool of new processes
    together = site_files(project.site)
    assert sorted(together) == sorted(alone)
    assert [name for name in together if together[name] != alone[name]] == []
