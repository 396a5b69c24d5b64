"""A seeded, realistic corpus of N items in Newsdesk's content format, for benchmarks.

    python benchmarks/corpus.py 10000 /tmp/corpus-10000

Mix: 50% news, 20% events, 10% calls, 10% interviews, 10% knowledge, spread over ten years,
with bodies of 300–600 words (headings, lists, links to other items, the odd table), tags
and facets from the sample vocabulary, plus one newsletter edition a month for the last
two years. The text is recombined from the sample content's own sentences, so its words
and their frequencies are those of a real newsroom. The same N and seed give the same
files. The folder becomes a project: mkdocs.yml, content/, and a link to the templates.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
MIX = (("news", 0.5), ("events", 0.2), ("calls", 0.1), ("interviews", 0.1), ("knowledge", 0.1))
FIRST_DAY = date(2011, 1, 3)
DAYS = 3650
EVENT_KINDS = ("conference", "matchmaking", "webinar", "workshop", "info-day", "mission")
KNOWLEDGE_KINDS = ("report", "presentation", "guide", "policy-example", "study", "toolkit")
FACETS = (
    "territorial_validity",
    "strategic_challenges",
    "thematic_priorities",
    "support_types",
    "typology",
)
CITIES = {
    "BE": "Brussels",
    "DE": "Berlin",
    "FR": "Strasbourg",
    "RO": "Bucharest",
    "AT": "Vienna",
    "HR": "Zagreb",
    "BG": "Sofia",
    "JP": "Tokyo",
    "KR": "Seoul",
    "TW": "Taipei",
    "CA": "Toronto",
    "MA": "Casablanca",
}


def sample_sentences() -> list[str]:
    """Every sentence of the sample content's bodies and summaries."""
    sentences = []
    for path in sorted((REPO / "content").glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[-1]
        body = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body)  # keep link text only
        for line in body.splitlines():
            line = line.strip().lstrip("-*#> ").strip()
            if len(line) > 40 and "|" not in line:
                sentences.extend(s for s in re.split(r"(?<=[.!?])\s+", line) if len(s) > 30)
    return sentences


class Writer:
    def __init__(self, count: int, seed: int) -> None:
        self.random = random.Random(seed)
        self.sentences = sample_sentences()
        self.taxonomy = yaml.safe_load((REPO / "content" / "taxonomy.yml").read_text())
        self.count = count
        self.slugs: dict[str, list[str]] = {name: [] for name, _ in MIX}
        words = sorted({w.lower() for s in self.sentences for w in re.findall(r"[A-Za-z]{5,}", s)})
        self.words = words

    # -- text ------------------------------------------------------------------------------

    def sentence(self) -> str:
        return self.random.choice(self.sentences)

    def title(self) -> str:
        words = self.random.sample(self.words, 5)
        return " ".join(words).capitalize()

    def paragraph(self, words: int) -> str:
        out: list[str] = []
        while sum(len(s.split()) for s in out) < words:
            out.append(self.sentence())
        return " ".join(out)

    def body(self, collection: str) -> str:
        target = self.random.randint(300, 600)
        parts: list[str] = []
        written = 0
        while written < target:
            if parts and self.random.random() < 0.25:
                parts.append(f"## {self.title()}")
            if self.random.random() < 0.2:
                items = [self.sentence() for _ in range(self.random.randint(3, 5))]
                parts.append("\n".join(f"- {item}" for item in items))
                written += sum(len(i.split()) for i in items)
            if self.random.random() < 0.05:
                rows = [f"| {self.title()} | {self.random.randint(2, 400)} |" for _ in range(4)]
                parts.append("| Topic | Clusters |\n|---|---|\n" + "\n".join(rows))
            paragraph = self.paragraph(self.random.randint(50, 110))
            if self.random.random() < 0.5 and any(self.slugs.values()):
                paragraph += " " + self.link()
            parts.append(paragraph)
            written += len(paragraph.split())
        return "\n\n".join(parts) + "\n"

    def link(self) -> str:
        collection = self.random.choice([name for name, slugs in self.slugs.items() if slugs])
        slug = self.random.choice(self.slugs[collection])
        return f"See also [{slug.replace('-', ' ')}](../{collection}/{slug}.md)."

    def terms(self, vocabulary: str, low: int, high: int) -> list[str]:
        keys = sorted(self.taxonomy[vocabulary])
        return self.random.sample(keys, self.random.randint(low, min(high, len(keys))))

    def day(self) -> date:
        return FIRST_DAY + timedelta(days=self.random.randrange(DAYS))

    # -- items -----------------------------------------------------------------------------

    def item(self, collection: str, number: int) -> tuple[str, dict, str]:
        slug = f"{collection}-{number:05d}"
        title = self.title()
        meta: dict = {"title": title}
        day = self.day()
        summary = self.sentence()
        if collection == "news":
            meta |= {"date": day, "summary": summary, "tags": self.terms("tags", 1, 3)}
        elif collection == "events":
            country = self.random.choice(sorted(CITIES))
            meta |= {
                "summary": summary,
                "kind": self.random.choice(EVENT_KINDS),
                "start": day,
                "end": day + timedelta(days=self.random.randint(0, 3)),
                "location": {"city": CITIES[country], "country": country},
                "tags": self.terms("tags", 1, 3),
            }
        elif collection == "calls":
            deadlines = sorted(
                {day + timedelta(days=d) for d in (30, self.random.randint(60, 200))}
            )
            meta |= {
                "summary": summary,
                "programme": self.random.choice(["COSME", "Horizon 2020", "Interreg", "ESIF"]),
                "deadlines": [{"date": d} for d in deadlines[: self.random.randint(1, 2)]],
                "opens": day - timedelta(days=30),
                "tags": self.terms("tags", 1, 2),
            }
        elif collection == "interviews":
            meta |= {
                "date": day,
                "summary": summary,
                "interviewee": {
                    "name": f"{self.title().split()[0]} {self.title().split()[1].capitalize()}",
                    "role": "Cluster manager",
                    "organisation": f"{self.title().split()[2].capitalize()} Cluster",
                },
                "tags": self.terms("tags", 1, 2),
            }
        else:
            meta |= {
                "date": day,
                "summary": summary,
                "kind": self.random.choice(KNOWLEDGE_KINDS),
                "countries": self.terms("countries", 0, 2),
                "language": "en",
            }
            for facet in FACETS:
                meta[facet] = self.terms(facet, 1, 3)
        return slug, meta, self.body(collection)

    def edition(self, month: date) -> tuple[str, dict, str]:
        meta = {
            "title": f"Newsletter, {month:%B %Y}",
            "date": month,
            "subject": f"Newsletter {month:%B %Y}: clusters this month",
            "preheader": self.sentence(),
            "sections": [
                {
                    "heading": "Latest news",
                    "collection": "news",
                    "rule": "since-previous",
                    "limit": 8,
                },
                {
                    "heading": "Upcoming events",
                    "collection": "events",
                    "rule": "upcoming",
                    "days": 60,
                    "limit": 6,
                    "placement": "sidebar",
                },
                {
                    "heading": "Open calls",
                    "collection": "calls",
                    "rule": "open",
                    "days": 90,
                    "limit": 6,
                    "placement": "sidebar",
                },
                {
                    "heading": "Interviews",
                    "collection": "interviews",
                    "rule": "since-previous",
                    "limit": 3,
                },
            ],
        }
        return f"{month:%Y-%m}", meta, self.paragraph(60) + "\n"


def write(out: Path, count: int, seed: int) -> None:
    writer = Writer(count, seed)
    content = out / "content"
    if content.exists():
        shutil.rmtree(content)
    content.mkdir(parents=True)
    shutil.copy(REPO / "content" / "taxonomy.yml", content / "taxonomy.yml")
    plan = [name for name, share in MIX for _ in range(round(count * share))]
    writer.random.shuffle(plan)
    numbers = {name: 0 for name, _ in MIX}
    for collection in plan:
        numbers[collection] += 1
        slug, meta, body = writer.item(collection, numbers[collection])
        _write(content / collection / f"{slug}.md", meta, body)
        writer.slugs[collection].append(slug)
    last = FIRST_DAY + timedelta(days=DAYS)
    for months_back in range(24):
        month = date(last.year, last.month, 1) - timedelta(days=31 * months_back)
        slug, meta, body = writer.edition(date(month.year, month.month, 1))
        _write(content / "newsletters" / f"{slug}.md", meta, body)
    _write(content / "index.md", {"title": "Home"}, "A generated newsroom for benchmarks.\n")
    # The files mkdocs.yml names: the editions' masthead logo, the image pages are shared
    # with, and the header's logo.
    for folder in ("newsletters/images", "images", "assets"):
        shutil.copytree(REPO / "content" / folder, content / folder)
    config = (REPO / "mkdocs.yml").read_text()
    config = re.sub(r"(?m)^      today: .*$", f"      today: {last.isoformat()}", config)
    config = re.sub(r"(?m)^nav:\n(?:  - .*\n)+", "", config)
    (out / "mkdocs.yml").write_text(config)
    templates = out / "templates"
    if not templates.exists():
        templates.symlink_to(REPO / "templates")


def _write(path: Path, meta: dict, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=None)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    write(args.out, args.count, args.seed)
    print(f"wrote {args.count} items and 24 editions to {args.out / 'content'}")


if __name__ == "__main__":
    main()
