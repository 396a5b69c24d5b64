"""What editors write, read and checked: front matter with the line of every key, one typed
model per collection, the taxonomy, links between files, the catalog of every item with its
state at the build date, and what each newsletter edition contains (for its web page and
its email alike)."""
