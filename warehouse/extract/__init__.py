"""Extract-load from the operational database into the DuckDB ``raw`` schema."""

from warehouse.extract.load import ExtractParams, TableLoad, extract_load
from warehouse.extract.spec import ALL_TABLES, Column, TableSpec

__all__ = ["ALL_TABLES", "Column", "ExtractParams", "TableLoad", "TableSpec", "extract_load"]
