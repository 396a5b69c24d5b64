"""What editors write, read and checked: front matter with the line of every key, one typed
model per collection, the taxonomy, links between files, and the catalog of every item with
its state at the build date."""
