"""Inbox tables (filled in by revision 0002_inbox)."""
