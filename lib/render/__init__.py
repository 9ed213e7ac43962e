"""A View as a file: the Format registry (`formats`), the Renderer that makes each file (`renderer`), and the
writers it calls: `export` (CSV, Excel, Parquet, JSON with provenance), `images` (PNG and SVG drawn by one
Chromium), `powerpoint` (the deck), `brief` (the PDF/UA-1 brief, typeset by Typst), and `cells` (a chart's table as
text, the same in the brief and the deck's notes).

The package itself imports nothing heavy: the upload reader's process uses `export` without loading the
views, charts or Plotly.
"""
