"""Collector credit scores for supply-chain finance, shared with lenders only by consent."""
