"""The index: chunks of every stored report, searched by Chroma (dense) and jieba BM25 (lexical), fused."""
