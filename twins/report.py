"""The validation report: issues that point at a file and a JSON path, collected by every validator."""

from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"
INFO = "info"

# A report keeps the first issues of each severity; counts stay exact beyond the cap.
MAX_ISSUES = 2000


@dataclass
class Issue:
    severity: str
    code: str
    message: str
    file: str = ""
    path: str = "$"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    """Issues found in one upload, and the summary exploration shows."""

    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {ERROR: 0, WARNING: 0, INFO: 0})
    summary: dict = field(default_factory=dict)
    standard_version: str = ""

    def add(self, severity: str, code: str, message: str, *, file: str = "", path: str = "$") -> None:
        self.counts[severity] = self.counts.get(severity, 0) + 1
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(Issue(severity, code, message, file, path))

    def error(self, code: str, message: str, **where) -> None:
        self.add(ERROR, code, message, **where)

    def warning(self, code: str, message: str, **where) -> None:
        self.add(WARNING, code, message, **where)

    def info(self, code: str, message: str, **where) -> None:
        self.add(INFO, code, message, **where)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    def codes(self, severity: str | None = None) -> list[str]:
        return [i.code for i in self.issues if severity is None or i.severity == severity]

    @property
    def outcome(self) -> str:
        if self.counts[ERROR]:
            return "invalid"
        return "warnings" if self.counts[WARNING] else "valid"


def jpath(base: str, *parts) -> str:
    """Extend a JSON path: jpath("$", 2, "contents") → "$[2].contents"."""
    for part in parts:
        base += f"[{part}]" if isinstance(part, int) else f".{part}"
    return base
