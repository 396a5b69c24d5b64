"""Every edition of a build rendered and checked at once; one edition for a proof."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial

from newsdesk.content.catalog import Catalog
from newsdesk.content.errors import ContentError, ContentErrors
from newsdesk.content.frontmatter import Document
from newsdesk.content.models import Edition, Item
from newsdesk.content.selection import EditionContent, choose
from newsdesk.content.sources import UnreadableSource, read_text
from newsdesk.newsletter.config import NewsletterSettings
from newsdesk.newsletter.gate import check_edition, produced_paths
from newsdesk.newsletter.links import Linker
from newsdesk.newsletter.render import EditionRenderer, RenderedEdition
from newsdesk.settings import Settings
from newsdesk.site.offsite import line_naming, off_site_loads


def render_editions(
    catalog: Catalog,
    settings: Settings,
    mail: NewsletterSettings,
    page_urls: Iterable[str],
    chosen: Mapping[str, EditionContent] | None = None,
    kept: Mapping[str, RenderedEdition] | None = None,
) -> tuple[RenderedEdition, ...]:
    """Render every published edition; raise ContentErrors if any fails the quality gate.
    ``chosen`` gives each edition's items where they are already chosen, and ``kept``
    editions already rendered of the same items (and checked), by ``src_uri``."""
    editions = list(catalog.of(Edition))
    return _render(catalog, settings, mail, page_urls, editions, chosen or {}, kept or {})


def render_for_proof(
    catalog: Catalog,
    settings: Settings,
    mail: NewsletterSettings,
    page_urls: Iterable[str],
    slug: str,
) -> RenderedEdition:
    """One edition, draft or published, as it will go out (its web version counts as
    produced, since it will be once the edition is published)."""
    src_uri = f"newsletters/{slug}.md"
    every = {e.src_uri: e for e in (*catalog.of(Edition), *catalog.unpublished_of(Edition))}
    edition = every.get(src_uri)
    if edition is None:
        known = sorted(e.slug for e in catalog.of(Edition))
        known += sorted(e.slug for e in catalog.unpublished_of(Edition))
        raise ContentErrors(
            [
                ContentError(
                    f"{settings.display_prefix}{src_uri}",
                    1,
                    f"no edition '{slug}'; editions: {', '.join(known) or 'none yet'}",
                )
            ]
        )
    # Drafts it lists are to be published with it: their pages count as produced too.
    listed = [i.page_url for i in catalog.unpublished.values() if _listed_in(i, edition)]
    (rendered,) = _render(catalog, settings, mail, [*page_urls, *listed], [edition], {}, {})
    return rendered


def _listed_in(item: Item, edition: Edition) -> bool:
    if item is edition or (item.collection == "news" and item.slug == edition.lead):
        return True
    return any(
        section.collection == item.collection and item.slug in (section.items or ())
        for section in edition.sections
    )


def _render(
    catalog: Catalog,
    settings: Settings,
    mail: NewsletterSettings,
    page_urls: Iterable[str],
    editions: list[Edition],
    chosen: Mapping[str, EditionContent],
    kept: Mapping[str, RenderedEdition],
) -> tuple[RenderedEdition, ...]:
    renderer = EditionRenderer(catalog, settings, mail)
    produced = produced_paths(page_urls, catalog.files, editions)
    rendered, errors = [], []
    for edition in editions:
        if edition.src_uri in kept:
            rendered.append(kept[edition.src_uri])
            continue
        content = chosen.get(edition.src_uri) or choose(
            edition, catalog, settings.closing_soon_days
        )
        result = renderer.render(content)
        document = catalog.documents[edition.src_uri]
        errors.extend(_unshown_overrides(content, document))
        errors.extend(_loads_off_site(result, content, catalog, settings, mail))
        measure = partial(renderer.sizes, result.view)
        errors.extend(check_edition(result, mail, produced, document, measure))
        rendered.append(result)
    if errors:
        raise ContentErrors(errors)
    return tuple(rendered)


def _loads_off_site(
    result: RenderedEdition,
    content: EditionContent,
    catalog: Catalog,
    settings: Settings,
    mail: NewsletterSettings,
) -> list[ContentError]:
    """The email as sent (its HTML, which the web version's blocks and the message are
    made of too), checked as HTML: an error for each address it loads from anywhere but
    the site, on the line of the file that writes it (the edition's, or a story's shown in
    full), else the edition's body's first line."""
    edition = content.edition
    loads = off_site_loads(result.html, Linker(mail, edition.slug).is_site)
    if not loads:
        return []
    shown = [content.lead, *(item for chosen in content.sections for item in chosen.items)]
    sources = [edition.src_uri, *(item.src_uri for item in shown if item is not None)]
    texts = []
    for src_uri in dict.fromkeys(sources):
        display = f"{settings.display_prefix}{src_uri}"
        try:
            texts.append((display, read_text(settings.docs_dir / src_uri, display)))
        except UnreadableSource:
            continue
    document = catalog.documents[edition.src_uri]
    errors = []
    for load in loads:
        where = document.display_path, document.body_line
        for display, text in texts:
            if (line := line_naming(text, load.address)) is not None:
                where = display, line
                break
        errors.append(
            ContentError(
                *where,
                f"the edition's email loads {load} from another site; store the file in the "
                "content folder and refer to it there, so subscribers' mail clients contact "
                "no one else",
            )
        )
    return errors


def _unshown_overrides(content: EditionContent, document: Document) -> list[ContentError]:
    """An override of an item the edition does not show has nothing to change: most likely
    the item's slug is mistyped, or a rule no longer chooses it."""
    shown = [content.lead, *(item for chosen in content.sections for item in chosen.items)]
    keys = {f"{item.collection}/{item.slug}" for item in shown if item is not None}
    return [
        document.error(
            ("overrides", key),
            f"overrides: {key} is not shown in this edition; list it in a section, or remove "
            "its override",
        )
        for key in content.edition.overrides
        if key not in keys
    ]
