"""The theme's own stylesheets and scripts (``templates/site/assets``), minified as readers
get them: comments and white space are for the people who edit them, not for the phones
that download them. Material's own assets come minified already (``*.min.*``)."""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}


def minify_theme_assets(files: Files, config: MkDocsConfig) -> None:
    """Each stylesheet and script of the theme's ``custom_dir`` among ``files`` replaced by
    its minified text, made in memory, at the same address."""
    custom_dir = config.theme.custom_dir
    if not custom_dir:
        return
    custom = Path(custom_dir).resolve()
    for file in list(files):
        source = Path(file.abs_src_path) if file.abs_src_path else None
        minify = MINIFIERS.get(source.suffix) if source else None
        if minify is None or ".min." in source.name or not source.resolve().is_relative_to(custom):
            continue
        files.remove(file)
        text = minify(source.read_text(encoding="utf-8"))
        files.append(File.generated(config, file.src_uri, content=text))
