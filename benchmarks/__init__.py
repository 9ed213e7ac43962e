"""Benchmarks of the dashboard against a minimal Streamlit app (the floor); `python benchmarks/run.py`."""
