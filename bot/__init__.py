"""Public-service assistant for a passport office: gateway, schedule database and channels."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
