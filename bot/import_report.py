"""The outcome of a staff import (schedules, FAQ): counts, or every bad line and why."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """What an import did, or every reason it did nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def print_summary(self) -> int:
        """Print every bad line (`line N: reason`) or the counts; return the exit code."""
        if self.errors:
            for line, reason in self.errors:
                print(f"line {line}: {reason}")
            print(f"{len(self.errors)} error(s); nothing was imported.")
            return 1
        print(
            f"Imported: {self.created} created, {self.updated} updated, {self.unchanged} unchanged."
        )
        return 0
