"""Offline evaluations of the trained assistant (`make eval`) and tests of their metric code."""
