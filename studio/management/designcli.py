"""What every command that reads a design file shares: read it (a path or ``-`` for standard input),
build the catalog, parse the design; on any failure write one line naming the file (and the JSON path)
to standard error and exit with status 2, the contract's "unusable file" (ARCHITECTURE.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.source import get_catalog
from studio.domain.catalog import Catalog
from studio.domain.design import Design
from studio.domain.designfile import DesignFileError, parse_design_text

EXIT_UNUSABLE = 2


class DesignFileCommand(BaseCommand):
    """A command whose first argument is a design file. Subclasses add their own arguments after
    ``super().add_arguments(parser)`` and call ``self.load_design(name)``."""

    def add_arguments(self, parser):
        parser.add_argument("design", help="path to the design file (JSON), or - for standard input")

    def load_design(self, name: str) -> tuple[Design, Catalog] | None:
        """The parsed design and the catalog; None after saying why on standard error."""
        loaded = self.read_design(name)
        return None if loaded is None else loaded[1:]

    def read_design(self, name: str) -> tuple[str, Design, Catalog] | None:
        """The file's text (for what else it carries, such as ``estimates``), the parsed design and the
        catalog; None after saying why on standard error."""
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.stderr.write(f"{name}: cannot read the design file: {exc}")
            return None
        try:
            catalog = get_catalog()
        except ValueError as exc:  # the catalog data files themselves are broken
            self.stderr.write(f"catalog: cannot build the catalog: {exc}")
            return None
        try:
            return text, parse_design_text(text, catalog), catalog
        except DesignFileError as exc:
            self.stderr.write(f"{name}: {exc.path or '(file)'}: {exc.message}")
            return None
