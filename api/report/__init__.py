"""The demo's report: figures read from the warehouse (read-only) and the operational
database, printed as a summary and written as one HTML file with inline SVG charts."""
