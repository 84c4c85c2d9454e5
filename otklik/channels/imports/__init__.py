"""Import of files exported by ПОС and regional or municipal systems (CSV, XLSX, JSON).

A column mapping (``mapping.py``, TOML or JSON) says which column feeds which field of the
ingestion format; the dry run reports row by row what would be created, what is already present
(unchanged, or differing in named fields) and what would be rejected and why; the real run
stores each row as a delivery (raw first) and is idempotent on re-import. Entry points:
``otklik import FILE --mapping MAP [--dry-run] [--json]`` and the ЦУР page /channels/import/.
"""
