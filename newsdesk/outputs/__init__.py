"""Every channel besides the pages: feeds, calendars, structured data and sharing tags, the
sitemap and robots.txt, and when the site next needs rebuilding. All computed from the
catalog; dates come from the content (or the build date), never from files or git."""

from __future__ import annotations

from datetime import datetime

from newsdesk.clock import Clock
from newsdesk.content.models import Item
from newsdesk.settings import SiteInfo

__all__ = ["SiteInfo", "published_moment"]


def published_moment(item: Item, clock: Clock) -> datetime:
    """When an item became public: its date (start of day, site time), or its ``publish``
    moment if that came later. An event or a call without a ``date`` counts from
    ``publish``, else (a call) ``opens``, else its start or last deadline."""
    day = item.announced
    if day is None:
        if item.publish is not None:
            return clock.moment(item.publish)
        if item.opening is not None:
            return clock.moment(item.opening)
        return clock.start_of(item.sort_date)
    moment = clock.start_of(day)
    if item.publish is not None:
        moment = max(moment, clock.moment(item.publish))
    return moment
