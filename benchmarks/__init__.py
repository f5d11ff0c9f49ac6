"""Speed figures of the application on a province archive: ``python -m benchmarks [--json] [--quick]``."""
