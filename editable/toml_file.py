"""What the strict TOML readers share: reading the file (or saying which setting names it, and what the
default is), parsing it, the top-level keys and version every such file has, the line each `[[entry]]` starts
on, and the error that lists every problem at once."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

VERSION = 1  # the one version of these files this Statboard reads


class FileProblems(Exception):
    """The file cannot be used; `problems` lists every reason, each naming the file and where in it. A reader's
    own error class sets what the file is (`what`) and how to check it again (`check`)."""
    what = "the file"
    check = "Fix it and try again."

    def __init__(self, path: Path, problems: list[str]):
        self.path, self.problems = path, problems
        super().__init__("\n".join(problems + [self.summary]))

    @property
    def summary(self) -> str:
        return f"{self.what} {self.path} has {len(self.problems)} problem(s); {self.check}"


def read(path: Path, default: Path | None, setting: str | None, error: type[FileProblems], parse_float=float
         ) -> tuple[bytes, str, dict]:
    """The file's bytes, its text and its TOML document; `error` naming what went wrong (no such file: which
    setting names it and what the default is, for a file that has them; unreadable; not TOML)."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except FileNotFoundError:
        where = f" ({setting} names {error.what}; the default is {default})" if setting else ""
        raise error(path, [f"{path}: no such file{where}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(path, [f"{path}: cannot be read: {exc}"]) from None
    try:
        return data, text, tomllib.loads(text, parse_float=parse_float)
    except tomllib.TOMLDecodeError as exc:
        raise error(path, [f"{path}: not valid TOML: {exc}"]) from None


def unknown_keys(path: Path, document: dict, allowed: tuple[str, ...]) -> list[str]:
    """A problem for each top-level key the file may not have."""
    return [f"{path}: unknown top-level key {key!r}; allowed: {', '.join(allowed)}"
            for key in document if key not in allowed]


def top_level_problems(path: Path, document: dict, allowed: tuple[str, ...]) -> list[str]:
    """Unknown top-level keys, and a version other than the one read (none written: that one)."""
    problems = unknown_keys(path, document, allowed)
    if document.get("version", VERSION) != VERSION:
        problems.append(f"{path}: version {document['version']!r} is not supported; this Statboard reads "
                        f"version {VERSION}")
    return problems


def header(section: str) -> re.Pattern:
    """The line that starts an entry of `section` (`outcome.item` for an array of tables inside another):
    `[[section]]`, spaces allowed around the name and its dots."""
    name = r"\s*\.\s*".join(re.escape(part) for part in section.split("."))
    return re.compile(rf"^\s*\[\[\s*{name}\s*\]\]")


def entry_lines(text: str, section: str) -> list[int]:
    """The line (from 1) each `[[section]]` entry starts on, in order."""
    pattern = header(section)
    return [n for n, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]


def entry_line(lines: list[int], entries: list, position: int) -> int | None:
    """The line entry `position` starts on; None when the entries are not all written as `[[headers]]` (an
    inline array), so lines and entries cannot be matched up."""
    return lines[position] if len(lines) == len(entries) else None
