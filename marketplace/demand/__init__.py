"""Matching supply and demand: data requests, showcases of reuse and recommendations."""
