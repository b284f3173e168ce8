"""Service-schedule database: offices, services, opening hours, closures and quota releases."""
