"""Every file of the channels, by site-relative path: what the build writes besides pages."""

from __future__ import annotations

from newsdesk.content.catalog import Catalog, page_url
from newsdesk.editor.screen import screen_files
from newsdesk.outputs.calendars import calendars
from newsdesk.outputs.feeds import feeds
from newsdesk.outputs.schedule import build_record, next_change
from newsdesk.outputs.sitemap import last_changes, robots, sitemaps
from newsdesk.settings import Settings
from newsdesk.site.plan import SitePlan
from newsdesk.site.views import Presenter


def channel_files(
    catalog: Catalog, plan: SitePlan, settings: Settings, presenter: Presenter | None = None
) -> dict[str, bytes]:
    site = settings.site
    presenter = presenter or Presenter(catalog, settings)
    files: dict[str, bytes] = {}
    files.update(feeds(catalog, site))
    files.update(calendars(catalog, site, presenter))
    pages = [(page_url(spec.src_uri), spec.view) for spec in plan.pages.values()]
    pages += [
        (page_url(page.src_uri), None) for page in catalog.pages if page.src_uri not in plan.pages
    ]
    changes = last_changes(catalog, presenter)
    files.update(sitemaps(pages, changes, site))
    files["robots.txt"] = robots(site)
    if settings.editor is not None:
        files.update(screen_files(settings, catalog.taxonomy, settings.editor))
    files["build.json"] = build_record(catalog, next_change(catalog, settings.closing_soon_days))
    return files
