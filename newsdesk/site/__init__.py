"""The site as readers see it, made of the catalog: views as data, the facets of listings,
the plan of every page, where its feeds and calendars are, and how dates and amounts read."""
