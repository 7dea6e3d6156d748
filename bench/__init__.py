"""Benchmarks: `python -m bench [NAME ...]` prints one `name: value unit` line per figure."""
