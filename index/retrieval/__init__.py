"""Retrieval: chunking, BM25, the vector index, hybrid search and its evaluation."""
