"""Database plumbing shared by every capability: declarative base, engines, migrations."""
