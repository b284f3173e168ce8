"""Languages of the replies: detecting English or Indonesian, and English labels."""
