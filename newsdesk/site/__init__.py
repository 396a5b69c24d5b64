"""The site as readers see it, made of the catalog: views as data, the facets of listings,
the plan of every page, and how dates and amounts read."""
