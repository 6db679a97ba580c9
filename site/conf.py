"""Sphinx configuration of the course website (used by ``tools/build_site.py``).

build_site.py writes the pages into ``_build/site-src/`` (executed copies of the notebooks,
one page per unit, the landing page); this folder holds only the configuration, the landing
page's text (``index.md``) and the stylesheet. The notebooks are executed before Sphinx
runs, so MyST-NB only renders their outputs (``nb_execution_mode = "off"``).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import notebooks

OWNER, NAME = notebooks.repository()

project = "Multi-Agent Risk Lab"
author = notebooks.project()["authors"][0]["name"]
copyright = f"{author}; code MIT, text and figures CC BY 4.0"
version = release = notebooks.project()["version"]

extensions = ["myst_nb"]
exclude_patterns = ["**.ipynb_checkpoints"]
nb_execution_mode = "off"  # build_site.py has executed every notebook already
nb_output_stderr = "remove"  # warnings printed by libraries are not course content
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# Notebooks come from Jupyter, where a title cell may be followed by ### headings.
suppress_warnings = ["myst.header"]

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["risklab.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_theme_options = {
    "repository_url": f"https://github.com/{OWNER}/{NAME}",
    "use_repository_button": True,
    "use_download_button": True,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
