"""The homeworking dashboard's library: data, comparisons, charts and exports.

Plain Python, importable without Streamlit, so analysts can use it from a notebook.
"""

__version__ = "1.0.0"
