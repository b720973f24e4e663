"""Exports: findings and passages with provenance to CSV, Excel, Parquet and JSONL."""
