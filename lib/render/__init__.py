"""A View as a file: the Format registry (`formats`), the Renderer that makes each file (`renderer`), and the
writers it calls: `export` (CSV, Excel, Parquet, JSON with provenance), `images` (PNG and SVG drawn by one
Chromium), `powerpoint` (the deck), `brief` (the one-page PDF, typeset by Typst).

The package itself imports nothing heavy: the upload reader's process uses `export` without loading the
views, charts or Plotly.
"""
