"""ThiDua Desktop core: records, store, dataset format and rules. Never imports Qt."""

__version__ = "0.1.0"
