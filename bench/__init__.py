"""Benchmarks: `make bench` runs them and writes results to bench/results/."""
