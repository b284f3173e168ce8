"""The outcome of a staff import (schedules, FAQ): counts, or every bad line and why."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """What an import did, or every reason it did nothing, plus what staff should look at.

    Errors stop the import; warnings do not (an ignored column, a value filled in, text that
    looks garbled) but are printed so that staff can fix the file for next time.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def print_summary(self) -> int:
        """Print each warning and bad line (`line N: …`), then the outcome; return the exit code."""
        for line, reason in sorted(self.warnings, key=lambda item: item[0]):
            print(f"line {line}: warning: {reason}")
        noted = f"; {len(self.warnings)} warning(s)" if self.warnings else ""
        if self.errors:
            for line, reason in self.errors:
                print(f"line {line}: {reason}")
            print(f"{len(self.errors)} error(s){noted}; nothing was imported.")
            return 1
        print(
            f"Imported: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged{noted}."
        )
        return 0
