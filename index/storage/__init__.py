"""Storage: the SQL store of documents, chunks and findings, its tables, and the lifecycle of sources."""
