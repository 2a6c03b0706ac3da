"""The guideline knowledge base: loaders, chunker, hybrid index and retrieval."""
