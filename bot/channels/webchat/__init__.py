"""Web chat channel: the page served by the gateway and its JSON API (docs/api.md)."""
