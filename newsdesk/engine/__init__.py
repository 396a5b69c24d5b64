"""The engine: the order of a build (``pipeline``), the cache, the search index over the
rendered pages, one build of a project at a time, and what the preview reads from disk."""
