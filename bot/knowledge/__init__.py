"""FAQ knowledge base: entries staff keep current, revision history, retrieval and staff tools."""
