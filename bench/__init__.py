"""Benchmarks: sohoa against the Tesseract limit and a peer, search latency, memory, intake.

Each benchmark is a module runnable with ``python -m bench.<name> [--quick]`` that prints its
figures and, as its last line, ``BENCH_RESULT <json>`` (see ``bench.result``), which
``bench.run_all`` collects into one table.
"""
