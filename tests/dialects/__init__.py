"""Per-dialect tests, one folder a dialect (packages: the same file names in each)."""
